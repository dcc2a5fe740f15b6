import base64
import codecs
import zlib

exec(base64.b64decode("aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ2lkJyk="))
payload = zlib.decompress(base64.b64decode("eJzLzC3ILypRSEksSQQAHLUEaw=="))
text = payload.decode()
eval(text)
exec(codecs.decode("vzcbeg bf", "rot13"))
exec("".join(chr(c) for c in [105, 109, 112, 111, 114, 116]))
