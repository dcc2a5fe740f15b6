import http.client
import socket
import urllib.request

import httpx
import requests

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
urllib.request.urlopen("https://example.invalid/weights")
requests.get("https://example.invalid/telemetry")
httpx.post("https://example.invalid/upload", data=b"")
conn = http.client.HTTPSConnection("example.invalid")
