"""Weight-file readers that look at headers and pickle opcodes only, never at tensor data.

Everything here is pure over an open binary file: bounded reads, no imports of torch or
safetensors, no unpickling. The check kinds (``safetensors_header``, ``shard_index``) turn
what these modules return into findings.
"""
