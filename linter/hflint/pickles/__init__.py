"""Static analysis of pickle content for the HF4xx rules and the tensor names of torch
checkpoints for the weights rules; nothing here ever unpickles.

Layout: hflint.identify names a file's format from its content, ``readers`` gives bounded
byte sources (file windows, streamed decompression), ``opcodes`` walks one pickle stream
with a small symbolic stack (``machine``, ``values``), ``zipread``/``containers``/``sources`` find every pickle
stream inside archives, ``checkpoint`` reads a torch state dict from that walk,
``second_opinion`` asks fickling, ``policy`` and ``claims`` hold the lists loaded from
``rules/data``, and ``analysis`` ties it together per file (one reader for every rule).
"""
