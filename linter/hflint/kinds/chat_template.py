"""Kind ``chat-template``: chat templates that do not parse, or use sandbox-escape constructs
(HF208). Templates are parsed with Jinja2 and the AST is walked; they are NEVER rendered.

Sources of templates: ``chat_template`` in tokenizer_config.json, chat_template.json or
processor_config.json (a string, or a list of ``{name, template}``), ``*.jinja`` files
(chat_template.jinja, additional_chat_templates/), and the ``tokenizer.chat_template``
metadata of GGUF files (hflint.weights.gguf). The environment mirrors transformers'
(``ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)`` with
``loopcontrols`` and the ``{% generation %}`` tag), so what fails here fails in
``apply_chat_template``. The construct list is data: ``rules/data/chat-template.yaml``.
jinja2 is imported lazily; its types stay in this module.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hflint.finding import Region
from hflint.jsonfile import locate, pointer
from hflint.kinds.base import Result, Unanalysable, each_file
from hflint.repo import CannotAnalyse, ParseError, Repo
from hflint.rule import Rule
from hflint.yamlfile import YamlError, data_value

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "policy": {"type": "string", "minLength": 1},
        "max-template-bytes": {"type": "integer", "minimum": 1},
        "max-findings": {"type": "integer", "minimum": 1},
    },
    "additionalProperties": False,
}
FIELDS = frozenset({"detail", "pointer"})
DEFAULT_POLICY = "hflint:data/chat-template.yaml"
MAX_TEMPLATE_BYTES = 4 * 1024 * 1024  # real templates are a few KB; the largest tens of KB


@dataclass(frozen=True)
class Policy:
    prefix: str
    prefix_label: str
    attributes: dict[str, str]  # name -> label shown in the finding
    filters: dict[str, str]
    tags: dict[str, str]  # jinja2 node class name -> reason
    strings: tuple[tuple[re.Pattern[str], str], ...]


def _policy_path(rule: Rule) -> Path:
    return rule.data_file(rule.params.get("policy", DEFAULT_POLICY))


@functools.cache
def load_policy(path: Path) -> Policy:
    try:
        raw: Any = data_value(path)

        def table(key: str) -> dict[str, str]:
            return {str(n): str(e["label"]) for e in raw.get(key, ()) for n in e["names"]}

        return Policy(
            str(raw["private-prefix"]["prefix"]),
            str(raw["private-prefix"]["label"]),
            table("attributes"),
            table("filters"),
            table("tags"),
            tuple((re.compile(str(e["pattern"])), str(e["label"])) for e in raw.get("strings", ())),
        )
    except (OSError, YamlError, KeyError, TypeError, AttributeError, re.error) as exc:
        raise ValueError(f"{path.name}: {exc}") from None


def validate(rule: Rule) -> list[str]:
    try:
        load_policy(_policy_path(rule))
    except ValueError as exc:
        return [f"params.policy: {exc}"]
    return []


@functools.cache
def _environment() -> Any:
    try:
        from jinja2 import nodes
        from jinja2.ext import Extension
        from jinja2.sandbox import ImmutableSandboxedEnvironment
    except ImportError:
        raise CannotAnalyse("jinja2 is not installed, so chat templates cannot be parsed") from None

    class Generation(Extension):
        """Parse-only twin of transformers' AssistantTracker ``{% generation %}`` block."""

        tags = {"generation"}  # noqa: RUF012 (jinja2's API is a class attribute)

        def parse(self, parser: Any) -> Any:
            lineno = next(parser.stream).lineno
            body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
            return nodes.Scope(body, lineno=lineno)

    return ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[Generation, "jinja2.ext.loopcontrols"]
    )


GGUF_KEY = "tokenizer.chat_template"  # and tokenizer.chat_template.<name> (llama.cpp)


def templates(path: str, repo: Repo, max_bytes: int = MAX_TEMPLATE_BYTES) -> Iterator[tuple[str, str]]:
    """(JSON pointer, GGUF key or "", template source) for every template in the file."""
    if path.endswith(".jinja"):
        yield "", repo.text(path)
        return
    if _gguf(repo, path):
        # The template llama.cpp-based runtimes render (CVE-2024-34359 was one rendering it
        # unsandboxed): read from the metadata pairs; tensor data is never read.
        from hflint.weights.gguf import GGUFError, string_values

        with repo.open(path) as fh:
            try:
                found = string_values(fh, (GGUF_KEY,), max_bytes)
            except GGUFError as exc:
                raise CannotAnalyse(f"GGUF metadata cannot be read: {exc}") from None
        yield from sorted(found.items())
        return
    doc = repo.json(path)
    value = doc.get("chat_template") if isinstance(doc, dict) else None
    if isinstance(value, str):
        yield "/chat_template", value
    elif isinstance(value, list):
        for index, entry in enumerate(value):
            if isinstance(entry, dict) and isinstance(entry.get("template"), str):
                yield pointer("chat_template", index, "template"), entry["template"]


def problems(source: str, policy: Policy) -> list[tuple[int, str]]:
    """(template line, detail) for each problem; parsing only."""
    env = _environment()
    try:
        tree = env.parse(source)
    except RecursionError:
        return [(1, "does not parse: nesting is too deep")]
    except Exception as exc:  # TemplateSyntaxError and any other parser error
        line = getattr(exc, "lineno", None) or 1
        return [(line, f"does not parse: {syntax_error(str(getattr(exc, 'message', None) or exc))}")]
    return _walk(tree, policy)


# Jinja2's token names, as hflint shows them.
_TOKENS = {"end of print statement": "'}}'", "end of statement block": "'%}'", "end of template": "the end"}
# (pattern over Jinja2's message, hflint's message; {0}, {1}: the groups, tag names as they
# are, tokens quoted); the first that matches wins.
_SYNTAX = tuple(
    (re.compile(pattern, re.DOTALL), message, tokens)
    for pattern, message, tokens in (
        (r"^Unexpected end of template\..*block that needs to be closed is '(\w+)'", "'{{% {0} %}}' never ends", False),
        (
            r"^Encountered unknown tag '(\w+)'\..*block that needs to be closed is '(\w+)'",
            "unexpected tag '{0}' inside '{{% {1} %}}'",
            False,
        ),
        (r"^Encountered unknown tag '(\w+)'", "unknown tag '{0}'", False),
        (r"^unexpected end of template, expected 'end of print statement'", "a '{{{{' is not closed", False),
        (r"^unexpected end of template", "a '{{%' tag is not closed", False),
        (r"^Missing end of comment tag", "a '{{#' comment is not closed", False),
        (r"^Missing end of raw directive", "a '{{% raw %}}' block is not closed", False),
        (r"^unexpected char (.+?) at \d+$", "unexpected character {0}", False),
        (r"^unexpected '(.+?)', expected '(.+?)'$", "expected {1}, found {0}", True),
        (r"^unexpected '(.+?)'$", "unexpected {0}", True),
        (r"^expected token '(.+?)', got '(.+?)'$", "expected {0}, found {1}", True),
        (r"^Expected an expression, got '(.+?)'$", "expected an expression, found {0}", True),
        (r"^can't assign to", "invalid assignment target", False),
    )
)


def syntax_error(said: str) -> str:
    """hflint's words for a Jinja2 syntax error: Jinja2's own change between versions, and a
    template finding's message is part of its fingerprint."""
    for pattern, message, tokens in _SYNTAX:
        found = pattern.search(said)
        if found is not None:
            groups = [_TOKENS.get(g, f"'{g}'") if tokens else g for g in found.groups()]
            return message.format(*groups)
    return "template syntax error"


def _name_problem(name: str, policy: Policy) -> str | None:
    if name.startswith(policy.prefix):
        return policy.prefix_label
    return policy.attributes.get(name)


def _walk(tree: Any, policy: Policy) -> list[tuple[int, str]]:
    from jinja2 import nodes

    out: dict[tuple[int, str], None] = {}
    accessed: set[tuple[int, str]] = set()  # (line, name) already reported as an access
    stack = [tree]
    while stack:
        node = stack.pop()
        line = getattr(node, "lineno", 1) or 1
        kind = type(node).__name__
        if kind in policy.tags:
            out[(line, f"uses '{kind}' ({policy.tags[kind]})")] = None
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            name = node.attr if isinstance(node, nodes.Getattr) else _const_str(node.arg)
            reason = _name_problem(name, policy) if name is not None else None
            if reason and name is not None:
                out[(line, f"accesses '{name}' ({reason})")] = None
                accessed.add((line, name))
        elif isinstance(node, nodes.Filter | nodes.Test) and node.name in policy.filters:
            out[(line, f"uses the '{node.name}' filter ({policy.filters[node.name]})")] = None
        elif isinstance(node, nodes.Const) and isinstance(node.value, str):
            for pattern, reason in policy.strings:
                hit = pattern.search(node.value)
                if hit and (line, node.value) not in accessed:
                    out[(line, f"contains the string '{hit.group(0)}' ({reason})")] = None
        stack.extend(node.iter_child_nodes())
    return sorted(out)


def _const_str(node: Any) -> str | None:
    from jinja2 import nodes

    return node.value if isinstance(node, nodes.Const) and isinstance(node.value, str) else None


def _gguf(repo: Repo, path: str) -> bool:
    """A GGUF file: named so, or with GGUF content whatever its name (llama.cpp reads any)."""
    from hflint.identify import GGUF, formats_of

    return path.endswith(".gguf") or (not path.endswith((".json", ".jinja")) and GGUF in formats_of(repo, path))


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    policy = load_policy(_policy_path(rule))
    max_bytes: int = rule.params.get("max-template-bytes", MAX_TEMPLATE_BYTES)
    limit: int = rule.params.get("max-findings", 50)

    def check_file(path: str) -> Iterator[Result]:
        gguf = _gguf(repo, path)
        try:
            text = "" if gguf else repo.text(path)
        except ParseError as exc:
            if path.endswith(".json"):
                raise  # HF201 reports a JSON file that cannot be decoded
            # A .jinja file is this rule's alone: transformers opens it as UTF-8 and fails.
            region = Region(exc.line, exc.column) if exc.line else None
            yield rule.finding(path, region=region, detail=f"cannot be read: {exc.reason}")
            return
        for ptr, source in templates(path, repo, max_bytes):
            if len(source.encode("utf-8", "surrogatepass")) > max_bytes:
                yield Unanalysable(path, f"chat template at {ptr or 'file'} is over {max_bytes} bytes; not parsed")
                continue
            where = locate(text, ptr) if ptr and not gguf else None
            for template_line, detail in problems(source, policy)[:limit]:
                if ptr:
                    line = where[0] if where else None
                    detail = f"{detail} (template line {template_line})"
                else:
                    line = template_line
                yield rule.finding(path, region=Region(line) if line else None, pointer=ptr or None, detail=detail)

    yield from each_file(rule, repo, check_file, covered_by="json-parse")
