"""Safe YAML loading that remembers where every value came from.

Config files and rule packs are reported with file and line, so values are built from the
composed node tree (``yaml.compose``) rather than ``yaml.safe_load``: each key path gets the
line it started on. Building is bounded by a node budget, so an alias bomb ("billion laughs")
is an error rather than an allocation, and duplicate keys are an error rather than a silent
overwrite.
"""

from __future__ import annotations

from pathlib import Path as PathLike
from typing import Any, NamedTuple

Path_ = tuple[str | int, ...]

MAX_DEPTH = 100  # nested collections; libyaml stops at 1000, the pure-Python loader ~300 (recursion)
TOO_DEEP = f"nested deeper than {MAX_DEPTH} levels; hflint does not analyse deeper YAML"


class YamlError(ValueError):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class YamlDoc(NamedTuple):
    value: Any
    lines: dict[Path_, int]

    def line_of(self, path: Path_) -> int | None:
        """The line of the value at ``path``, or of its nearest ancestor that has one."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return None


def plain(value: Any) -> Any:
    """Dates become ISO strings (an unquoted 2026-05-01 is a YAML date), so a JSON Schema
    can check YAML and TOML values alike."""
    import datetime as dt

    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def load_yaml(text: str, *, max_nodes: int = 200_000) -> YamlDoc:
    import yaml  # lazy: keeps `hflint --version` fast

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(text, Loader=loader_cls)
    except yaml.YAMLError as exc:
        from hflint.yamlerrors import describe  # hflint's words, not the loader's

        raise YamlError(*describe(yaml, text, exc)) from None
    except RecursionError:  # the pure-Python loader, when PyYAML was built without libyaml
        raise YamlError(TOO_DEEP) from None
    lines: dict[Path_, int] = {}
    if node is None:
        return YamlDoc(None, lines)
    builder = _Builder(yaml, max_nodes, lines)
    return YamlDoc(builder.build(node, ()), lines)


class _Builder:
    def __init__(self, yaml: Any, max_nodes: int, lines: dict[Path_, int]) -> None:
        self.yaml = yaml
        self.budget = max_nodes
        self.lines = lines
        self.constructor = yaml.SafeLoader("")

    def build(self, node: Any, path: Path_ | None, depth: int = 0) -> Any:
        yaml = self.yaml
        self.budget -= 1
        line = node.start_mark.line + 1
        if self.budget < 0:
            raise YamlError("document too large or alias expansion too deep", line)
        if depth > MAX_DEPTH:  # hflint's limit: the interpreter's recursion limit varies
            # No line: which loader gives up first, and where, depends on the build.
            raise YamlError(TOO_DEEP)
        if path is not None:
            self.lines.setdefault(path, line)
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in self.constructor.yaml_constructors:  # e.g. !!python/name:os.system
                raise YamlError(f"unsupported tag {node.tag}", line)
            try:
                return self.constructor.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, OverflowError):  # e.g. 2026-02-30
                # In hflint's words: datetime's and int()'s messages differ between versions.
                kind = node.tag.rpartition(":")[2] or "scalar"
                shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
                raise YamlError(f"invalid {kind} value {shown!r}", line) from None
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise YamlError(f"unsupported tag {node.tag}", line)
            base = path or ()
            return [self.build(child, (*base, i), depth + 1) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise YamlError(f"unsupported tag {node.tag}", line)
            try:
                self.constructor.flatten_mapping(node)  # YAML merge keys (<<)
            except yaml.YAMLError:
                raise YamlError("a merge key (<<) must name a mapping or a list of mappings", line) from None
            out: dict[Any, Any] = {}
            path = path or ()
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise YamlError("mapping keys must be plain values", key_node.start_mark.line + 1)
                key = self.build(key_node, None)
                if not isinstance(key, str | int | float | bool) and key is not None:
                    key = str(key)
                if key in out:
                    raise YamlError(f"duplicate key {key!r}", key_node.start_mark.line + 1)
                child = str(key) if not isinstance(key, int) or isinstance(key, bool) else key
                # A member is reported at its key's line, where a reader looks for it.
                self.lines.setdefault((*path, child), key_node.start_mark.line + 1)
                out[key] = self.build(value_node, (*path, child), depth + 1)
            return out
        raise YamlError(f"unsupported YAML node {type(node).__name__}", line)  # pragma: no cover


def data_value(path: PathLike) -> Any:
    """A data file's value (rules/data/*.yaml or a pack's own): the shipped files come from
    their JSON snapshot when it was made from the same bytes (hflint.datacache), no PyYAML."""
    from hflint.datacache import load_data

    return load_data(path, lambda text: load_yaml(text).value)


def data_list(path: PathLike, key: str) -> list[Any]:
    """The list under ``key`` in a shipped or pack data file (rules/data/*.yaml); ValueError
    with the file's name when it cannot be read or the key is not a list."""
    try:
        raw = data_value(path)
    except (OSError, YamlError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {path.name}: {exc}") from None
    items = raw.get(key) if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"{path.name}: '{key}' must be a list")
    return items
