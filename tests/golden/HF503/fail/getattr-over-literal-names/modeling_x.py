import builtins
import os

for name in ("path", "system"):
    getattr(os, name)
runners = [getattr(builtins, n) for n in ["print", "exec"]]
