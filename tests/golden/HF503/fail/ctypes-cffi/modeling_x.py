import ctypes
import ctypes.util

import cffi

libc = ctypes.CDLL(ctypes.util.find_library("c"))
libm = ctypes.cdll.LoadLibrary("libm.so.6")
ctypes.pythonapi.PyRun_SimpleString(b"import os")
SHELLCODE = ctypes.CFUNCTYPE(ctypes.c_int)
jump = ctypes.cast(0x7F0000001000, SHELLCODE)
ctypes.memmove(0x7F0000001000, b"\x90" * 16, 16)
value = ctypes.c_int.from_address(0x7F0000002000)
ffi = cffi.FFI()
