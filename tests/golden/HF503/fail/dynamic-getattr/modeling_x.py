import builtins
import os

getattr(os, "sys" + "tem")("id")
getattr(os, "system")("id")
getattr(builtins, "ex" + "ec")("print(1)")
__builtins__["ev" + "al"]
