import mlx.nn as nn


class Model(nn.Module):
    pass
