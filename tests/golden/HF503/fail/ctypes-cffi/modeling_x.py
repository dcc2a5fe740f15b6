import ctypes

import cffi

libc = ctypes.CDLL("libc.so.6")
ffi = cffi.FFI()
