"""Static analysis of pickle content for the HF4xx rules; nothing here ever unpickles.

Layout: ``sniff`` names a file's format from its first bytes, ``readers`` gives bounded
byte sources (file windows, streamed decompression), ``opcodes`` walks one pickle stream
with a small symbolic stack, ``zipread``/``containers`` find every pickle stream inside
archives, ``fickle`` asks fickling for a second opinion, ``policy`` holds the dangerous
and safe lists loaded from ``rules/data``, and ``analysis`` ties it together per file.
"""
