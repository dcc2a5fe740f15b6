%matplotlib inline
import torch
