"""Validators compiled from rules/schemas by `python -m hflint.ruledoc` (see hflint.schemafast)."""
