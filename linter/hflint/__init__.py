"""hflint: a compliance and security linter for Hugging Face model repositories."""

from __future__ import annotations

__version__ = "0.1.0"
