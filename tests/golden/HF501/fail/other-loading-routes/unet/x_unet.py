import torch


class XUNet(torch.nn.Module):
    pass
