"""Load and validate YAML rule packs; every problem is reported, none is skipped.

A pack is validated in three layers: the pack JSON Schema (shape and field formats), then
each rule against its check kind (known kind, params schema, message placeholders, globs,
kind-specific checks), then across packs (duplicate ids and names, overrides that match no
rule). Any problem makes the load fail (exit 2) with file, line and rule id; checkov's
warn-and-skip of bad policies is exactly what this avoids.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from hflint import _paths, packcache
from hflint.finding import Severity
from hflint.globs import check_glob
from hflint.rule import Docs, FixSpec, Rule, template_fields
from hflint.schemas import schema_errors
from hflint.yamlfile import YamlDoc, YamlError, load_yaml

BUILTIN_PREFIX = "HF"
MAX_PACK_BYTES = 4 * 1024 * 1024


class PackProblem(NamedTuple):
    file: str
    message: str
    rule_id: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        rule = f" {self.rule_id}:" if self.rule_id else ""
        return f"{where}:{rule} {self.message}"


class PackError(Exception):
    def __init__(self, problems: Sequence[PackProblem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = list(problems)


class Pack(NamedTuple):
    name: str
    source: Path
    description: str
    rules: tuple[Rule, ...]
    severity_overrides: dict[str, Severity]
    fix_overrides: dict[str, str]  # id prefix -> "off", "safe" or "unsafe"


def builtin_pack_paths() -> list[Path]:
    return sorted(_paths.rules_dir().glob("*.yaml"))


def load_packs(extra: Iterable[Path] = (), *, builtin: bool = True, verify_builtin: bool = False) -> list[Pack]:
    """Built-in packs then ``extra`` packs, cross-checked; PackError lists every problem.

    A user's pack is always validated in full. The built-in packs ship with hflint and are
    validated by its test suite and by ``hflint rules check``; a scan only parses them, so it
    does not pay for importing jsonschema and every check kind (most of a cold start).
    """
    sources = [(p, True) for p in builtin_pack_paths()] if builtin else []
    sources += [(Path(p), False) for p in extra]
    packs: list[Pack] = []
    problems: list[PackProblem] = []
    for path, is_builtin in sources:
        pack, found = load_pack(path, builtin=is_builtin, verify=verify_builtin or not is_builtin)
        problems += found
        if pack is not None:
            packs.append(pack)
    problems += _cross_check(packs)
    if problems:
        raise PackError(problems)
    return packs


def load_pack(path: Path, *, builtin: bool = False, verify: bool = True) -> tuple[Pack | None, list[PackProblem]]:
    shown = str(path)
    try:
        if path.stat().st_size > MAX_PACK_BYTES:
            return None, [PackProblem(shown, f"pack is larger than {MAX_PACK_BYTES} bytes")]
        data = path.read_bytes()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [PackProblem(shown, f"cannot read rule pack: {exc}")]
    doc = None if verify else packcache.cached_doc(path, data)
    try:
        doc = doc or load_yaml(text)
    except YamlError as exc:
        return None, [PackProblem(shown, exc.message, line=exc.line)]
    if not isinstance(doc.value, dict):
        return None, [PackProblem(shown, "a rule pack is a mapping with 'pack' and 'rules' keys", line=1)]
    problems = _schema_problems(shown, doc) if verify else []
    if problems:
        return None, problems
    raw = doc.value
    rules: list[Rule] = []
    for index, item in enumerate(raw["rules"]):
        rule = _build_rule(item, raw["pack"], path, doc.line_of(("rules", index)))
        found = _rule_problems(rule, builtin) if verify else []
        problems += [PackProblem(shown, msg, rule.id, rule.line) for msg in found]
        rules.append(rule)
    overrides = {k: Severity.parse(v) for k, v in raw.get("severity-overrides", {}).items()}
    fixes = {str(k): str(v) for k, v in raw.get("fix-overrides", {}).items()}
    pack = Pack(raw["pack"], path, raw.get("description", ""), tuple(rules), overrides, fixes)
    return pack, problems


def _schema_problems(shown: str, doc: YamlDoc) -> list[PackProblem]:
    problems = []
    for error in schema_errors("rulepack.schema.json", doc.value):
        path = tuple(error.path)
        rule_id = None
        if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
            item = doc.value["rules"][path[1]]
            rule_id = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else None
        where = "/".join(map(str, path)) or "(top level)"
        message = error.message if len(error.message) < 300 else error.message[:297] + "..."
        problems.append(PackProblem(shown, f"{where}: {message}", rule_id, doc.line_of(path)))
    return problems


def _build_rule(item: dict[str, Any], pack: str, source: Path, line: int | None) -> Rule:
    from hflint.kinds import KINDS

    docs = item["docs"]
    fix = item.get("fix")
    return Rule(
        id=item["id"],
        name=item["name"],
        title=item["title"],
        severity=Severity.parse(item["severity"]),
        kind=item["kind"],
        message=item["message"],
        docs=Docs(docs["what"], docs["why"], docs["example"], docs["fix"], tuple(docs.get("references", ()))),
        pack=pack,
        source=source,
        files=tuple(item.get("files", ())),
        exclude=tuple(item.get("exclude", ())),
        formats=tuple(item.get("formats", ())),
        params=dict(item.get("params", {})),
        tags=tuple(item.get("tags", ())),
        precision=item.get("precision", "high"),
        security_severity=item.get("security-severity"),
        active=item["kind"] in KINDS,
        line=line,
        fix=FixSpec(fix["kind"], fix["safety"]) if fix else None,
    )


def _rule_problems(rule: Rule, builtin: bool) -> list[str]:
    from hflint.kinds import KINDS, KINDS_WITHOUT_FILES, PLANNED, load_kind

    problems = []
    if builtin != rule.id.startswith(BUILTIN_PREFIX):
        problems.append(
            "ids starting with HF are reserved for hflint's built-in packs"
            if not builtin
            else "built-in rule ids start with HF"
        )
    if rule.security_severity is not None and "security" not in rule.tags:
        problems.append("security-severity is only for rules tagged 'security'")
    for glob in (*rule.files, *rule.exclude):
        if (bad := check_glob(glob)) is not None:
            problems.append(f"bad glob: {bad}")
    if rule.kind not in KINDS:
        if rule.kind not in PLANNED:
            known = ", ".join(sorted(KINDS))
            problems.append(f"unknown check kind {rule.kind!r} (known kinds: {known})")
        return problems
    kind = load_kind(rule.kind)
    if not (rule.files or rule.formats) and rule.kind not in KINDS_WITHOUT_FILES:
        problems.append(f"files: kind {rule.kind!r} needs at least one glob")
    try:
        fields = template_fields(rule.message)
    except ValueError as exc:
        problems.append(f"message: {exc}")
    else:
        allowed = kind.FIELDS | {"path", "pointer"}
        for name in fields:
            if name not in allowed:
                problems.append(
                    f"message: kind {rule.kind!r} provides no {{{name}}} (it provides: {', '.join(sorted(allowed))})"
                )
    problems += _params_problems(rule)
    problems += _fix_problems(rule)
    if not problems:
        problems += kind.validate(rule)
    return problems


def _fix_problems(rule: Rule) -> list[str]:
    if rule.fix is None:
        return []
    from hflint.fixes import FIX_KINDS

    spec = FIX_KINDS.get(rule.fix.kind)
    if spec is None:
        return [f"fix: unknown fix kind {rule.fix.kind!r} (known fix kinds: {', '.join(sorted(FIX_KINDS))})"]
    if spec.check_kind != rule.kind:
        return [f"fix: fix kind {rule.fix.kind!r} belongs to check kind {spec.check_kind!r}, not {rule.kind!r}"]
    return []


@functools.cache
def _params_validator(kind: str) -> Any:
    """One validator per kind, not one per rule: building one is the costly part."""
    from jsonschema import Draft202012Validator

    from hflint.kinds import load_kind

    return Draft202012Validator(load_kind(kind).PARAMS_SCHEMA)


def _params_problems(rule: Rule) -> list[str]:
    out = []
    for error in _params_validator(rule.kind).iter_errors(rule.params):
        where = "/".join(map(str, error.path))
        out.append(f"params{'/' + where if where else ''}: {error.message}")
    return out


def _cross_check(packs: list[Pack]) -> list[PackProblem]:
    problems: list[PackProblem] = []
    seen_id: dict[str, Rule] = {}
    seen_name: dict[str, Rule] = {}
    for rule in (r for p in packs for r in p.rules):
        for seen, key, label in ((seen_id, rule.id, "id"), (seen_name, rule.name, "name")):
            first = seen.setdefault(key, rule)
            if first is not rule:
                problems.append(
                    PackProblem(
                        str(rule.source),
                        f"duplicate rule {label} {key!r} (first defined in {first.source}:{first.line})",
                        rule.id,
                        rule.line,
                    )
                )
    for pack in packs:
        for prefix in pack.severity_overrides:
            if not any(rule_id.startswith(prefix) for rule_id in seen_id):
                problems.append(PackProblem(str(pack.source), f"severity-overrides: {prefix!r} matches no rule"))
        for prefix in pack.fix_overrides:
            if not any(r.fix is not None and r.id.startswith(prefix) for r in seen_id.values()):
                problems.append(PackProblem(str(pack.source), f"fix-overrides: {prefix!r} matches no rule with a fix"))
    return problems
