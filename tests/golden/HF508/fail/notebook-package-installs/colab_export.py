# -*- coding: utf-8 -*-
"""Fine-tune the model (exported from Colab)."""

!pip install -q transformers==4.44.0 peft accelerate
%matplotlib inline
import torch

!nvidia-smi
files = !ls data
%%bash
wget -q https://example.invalid/data.zip
unzip data.zip

%run prepare.py
print(torch.__version__, files)
