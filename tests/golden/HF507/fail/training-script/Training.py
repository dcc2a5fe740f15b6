import os
import subprocess

import torch

os.system("nvidia-smi")
subprocess.run(["accelerate", "launch", "train.py"], check=True)
torch.save({}, "checkpoint.pt")
