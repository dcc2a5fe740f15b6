!pip install -q peft
%matplotlib inline
%load_ext autoreload
import torch
