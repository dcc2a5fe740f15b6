import importlib

name = "sub" + "process"
mod = importlib.import_module(name)
ok = importlib.import_module("torch")
sp = importlib.import_module("subprocess")
sp.run(["id"])
