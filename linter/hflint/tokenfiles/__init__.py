"""Tokenizer files: tokenizer.json structure, vocabularies and special tokens (HF204-HF207)."""
