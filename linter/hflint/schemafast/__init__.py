"""Built-in JSON Schemas proven valid without importing jsonschema.

A valid file is the common case, and importing jsonschema costs more than a whole clean
scan of a small repository. ``python -m hflint.ruledoc`` compiles every schema in
``rules/schemas`` ahead of time (hflint.schemafast.compiler) into one module each under
``hflint/schemafast/generated``; each module records the size and CRC-32 of the schema file
it came from and is used only while the file still has them, so the schema files stay the
single source of truth, and the test suite fails while a generated module is stale.

``proven_valid`` is True only when the compiled function says the document is valid: then
jsonschema would report nothing (tests/test_schemafast.py checks that they agree on every
golden case and on generated documents). Anything else (invalid, not compiled, a value that
is not JSON) goes to jsonschema, which explains the errors as before.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

from hflint import _paths

PACKAGE = "hflint.schemafast.generated"


def stamp(data: bytes) -> tuple[int, int]:
    return len(data), zlib.crc32(data)


def module_name(schema_file: str) -> str:
    """``model-card.schema.json`` -> ``model_card``."""
    return schema_file.removesuffix(".json").removesuffix(".schema").replace("-", "_").replace(".", "_")


@functools.cache
def compiled(path: Path) -> Callable[[Any], bool] | None:
    """The compiled validity test of a shipped schema file, while it matches the file."""
    if path.parent.resolve() != _paths.schemas_dir().resolve():
        return None  # a user's schema: jsonschema
    try:
        module = import_module(f"{PACKAGE}.{module_name(path.name)}")
        data = path.read_bytes()
    except (ImportError, OSError):
        return None
    if stamp(data) != module.STAMP:
        return None
    valid: Callable[[Any], bool] = module.VALID
    return valid


def proven_valid(path: Path, doc: Any) -> bool:
    """Whether the compiled schema proves ``doc`` valid (False: ask jsonschema)."""
    from hflint.schemafast.runtime import Bail

    valid = compiled(path)
    if valid is None:
        return False
    try:
        return valid(doc)
    except (Bail, RecursionError):
        return False


def render(schemas: Path) -> dict[str, str]:
    """Generated module name -> text, for every schema file that compiles."""
    import json

    from hflint.schemafast.compiler import Compiler, Unsupported

    out = {}
    for path in sorted(schemas.glob("*.json")):
        data = path.read_bytes()
        compiler = Compiler("s")
        try:
            root = compiler.compile(json.loads(data))
        except Unsupported:
            continue  # validated by jsonschema alone
        out[module_name(path.name) + ".py"] = compiler.module(root, path.name, stamp(data))
    return out
