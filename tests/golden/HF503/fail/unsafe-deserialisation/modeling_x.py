import marshal
import pickle

import numpy as np
import torch

state = pickle.load(open("extra.pkl", "rb"))
weights = torch.load("extra.bin")
explicit = torch.load("extra.bin", weights_only=False)
safe = torch.load("extra.bin", weights_only=True)
code = marshal.loads(open("x.bin", "rb").read())
arrays = np.load("a.npy", allow_pickle=True)
plain = np.load("a.npy")
