import torch


class Generator(torch.nn.Module):
    pass
