import os

os.system("id")  # hflint: ignore[HF503]
x = 1  # hflint: ignore[HF503] nothing here to suppress
os.getcwd()  # hflint: ignore[HF501] the review rules are not suppressible inline
