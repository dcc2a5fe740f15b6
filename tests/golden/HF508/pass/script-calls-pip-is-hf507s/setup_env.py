import subprocess

subprocess.run(['pip', 'install', 'peft'])
