import importlib
import json
import os
import re

import torch
import yaml

PATTERN = re.compile(r"\s+")
PROMPT = "你是一个乐于助人的助手。请用简洁、准确、友好的语言回答用户的问题。" * 8
DOC = """A long docstring. """ + "lorem ipsum dolor sit amet " * 40


class Model(torch.nn.Module):
    def compile(self):
        return self

    def load(self, path):
        state = torch.load(path, weights_only=True, map_location="cpu")
        with open(os.path.join(os.path.dirname(__file__), "vocab.json")) as fh:
            vocab = json.load(fh)
        settings = yaml.safe_load(open("settings.yaml"))
        backend = importlib.import_module("torch.nn.functional")
        self.eval()
        self.compile()
        return state, vocab, settings, backend


model = Model()
model.eval()
compiled = torch.compile(model)
