import torch


class Embedder(torch.nn.Module):
    pass
