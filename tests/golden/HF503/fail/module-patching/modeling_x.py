import builtins
import sys

import torch


def fake_load(*args, **kwargs):
    return {}


setattr(builtins, "print", lambda *a: None)
torch.load = fake_load
sys.modules["transformers"] = object()
__builtins__["open"] = fake_load
