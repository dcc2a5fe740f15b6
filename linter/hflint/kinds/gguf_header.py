"""Kind ``gguf-header``: GGUF files whose header llama.cpp's loader refuses or that break
the format's rules (HF621), read from the header only (hflint.weights.gguf, the reader HF208
shares) and validated by hflint.weights.gguf_header against the ggml type table in
``rules/data/ggml-types.yaml``.

The rule's pack selects the files: named ``*.gguf``, or whose content is GGUF whatever
their name (``formats: [gguf]``). A header that cannot be read at all is itself the finding
(with the reason), as HF306 does for safetensors; on pickle-capable content behind a GGUF
name it is a consequence of the pickle rules' finding (HF405 reports the disguise).
"""

from __future__ import annotations

from collections.abc import Iterator

from hflint.formats.reporting import not_this_format
from hflint.kinds.base import Result, each_file
from hflint.repo import Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "types": {"type": "string", "minLength": 1},
        "max-findings": {"type": "integer", "minimum": 1},
    },
    "additionalProperties": False,
}
FIELDS = frozenset({"detail", "pointer"})
DEFAULT_TYPES = "hflint:data/ggml-types.yaml"


def validate(rule: Rule) -> list[str]:
    from hflint.weights.gguf_header import load_types

    try:
        load_types(rule.data_file(rule.params.get("types", DEFAULT_TYPES)))
    except ValueError as exc:
        return [f"params.types: {exc}"]
    return []


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    from hflint.weights.gguf import GGUFError, read_header
    from hflint.weights.gguf_header import load_types
    from hflint.weights.gguf_header import validate as validate_header

    types = load_types(rule.data_file(rule.params.get("types", DEFAULT_TYPES)))
    cap: int = rule.params.get("max-findings", 20)

    def check_file(path: str) -> Iterator[Result]:
        with repo.open(path) as fh:
            try:
                header = read_header(fh)
            except GGUFError as exc:
                yield not_this_format(rule, repo, path, str(exc), pointer="header")
                return
        problems = validate_header(header, types)
        for problem in problems[:cap]:
            yield rule.finding(path, pointer=problem.where or "header", detail=problem.message)
        if len(problems) > cap:
            yield rule.finding(path, pointer="header", detail=f"{len(problems) - cap} more problems not shown")

    yield from each_file(rule, repo, check_file)
