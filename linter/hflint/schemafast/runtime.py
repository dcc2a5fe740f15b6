"""What the generated validators (hflint.schemafast.generated) call at run time."""

from __future__ import annotations

import re

JSON_TYPES = frozenset({dict, list, str, int, float, bool, type(None)})
search = re.search  # jsonschema's pattern and patternProperties: re.search, cached by re
_DATE = r"^\d{4}-\d{2}-\d{2}$"  # jsonschema's "date" format (RFC 3339 full-date), ASCII digits


class Bail(Exception):
    """The document holds a value that is not JSON (a YAML date, a subclass): ask jsonschema."""


def is_date(value: str) -> bool:
    import datetime as dt  # lazy: only a schema with a date reaches here

    if not re.fullmatch(_DATE, value, re.ASCII):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True
