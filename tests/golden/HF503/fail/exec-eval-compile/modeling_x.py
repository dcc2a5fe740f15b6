import builtins

code = open("snippet.txt").read()
exec(code)
value = eval("1 + 1")
compiled = compile(code, "<x>", "exec")
mod = __import__("json")
builtins.exec(code)
run = exec
run(code)
