"""Configuration: ``.hflint.yaml`` (or ``.hflint.yml``) at the repo root, else
``[tool.hflint]`` in its ``pyproject.toml``; ``--config`` names a file; CLI flags win.

A config inside a repo you did not write can switch rules off, so ``--isolated`` ignores it
(use it when scanning a downloaded repo). A broken config is an error with file and line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hflint.decide import PathIgnore
from hflint.finding import Severity
from hflint.globs import check_glob
from hflint.safefile import present, read_record

CONFIG_NAMES = (".hflint.yaml", ".hflint.yml")
BASELINE_NAME = ".hflint-baseline.json"  # read by hflint.baseline; named here with the config files


class ConfigError(Exception):
    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Config:
    source: str | None = None
    select: tuple[str, ...] = ("ALL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    rules: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()
    per_path_ignores: tuple[PathIgnore, ...] = ()
    fail_on: Severity | None = Severity.ERROR
    # --isolated: the repo's own config, baseline and review records are not trusted.
    isolated: bool = False

    @property
    def selectors(self) -> tuple[str, ...]:
        return self.select + self.extend_select


def find_config(root: Path, stop: Path | None = None) -> Path | None:
    """The closest config at ``root`` or in its parents up to ``stop`` (as ruff does), so a
    monorepo's config at the checkout root applies to each model folder below it."""
    root = root.resolve()
    folders = [root]
    if stop is not None and root.is_relative_to(stop.resolve()):
        folders += [p for p in root.parents if p.is_relative_to(stop.resolve())]
    for folder in folders:
        found = _config_in(folder)
        if found is not None:
            return found
    return None


def _config_in(folder: Path) -> Path | None:
    # Anything at a config's name counts, so a link, FIFO or folder there is refused by
    # load_config instead of being skipped for the next candidate.
    for name in CONFIG_NAMES:
        if present(folder / name):
            return folder / name
    pyproject = folder / "pyproject.toml"
    if present(pyproject):
        import tomllib  # lazy, like every parser only some runs need

        try:
            data = tomllib.loads(read_record(pyproject, contained=True).decode("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return pyproject  # let load_config report the problem
        if "hflint" in data.get("tool", {}):
            return pyproject
    return None


def load_config(path: Path, *, contained: bool = False) -> Config:
    """The config at ``path``; ``contained``: one find_config found in a repository, read as
    hflint reads the repository's files (a link out of its folder is refused, not followed)."""
    shown = str(path)
    try:
        text = read_record(path, contained=contained).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(shown, f"cannot read config: {exc}") from None
    from hflint.yamlfile import YamlError, load_yaml, plain  # lazy, like the TOML parser

    if path.suffix == ".toml":
        raw, line_of = _from_toml(shown, text)
    else:
        try:
            doc = load_yaml(text, max_nodes=20_000)
        except YamlError as exc:
            raise ConfigError(shown, exc.message, exc.line) from None
        raw, line_of = ({} if doc.value is None else doc.value), doc.line_of
    if not isinstance(raw, dict):
        raise ConfigError(shown, "the config must be a mapping of keys to values", 1)
    raw = plain(raw)
    from hflint.schemas import schema_errors  # lazy: jsonschema only when there is a config

    for error in schema_errors("config.schema.json", raw):
        where = "/".join(map(str, error.path)) or "(top level)"
        raise ConfigError(shown, f"{where}: {error.message}", line_of(tuple(error.path)))
    config = _build(raw, path, line_of)
    if contained:
        _packs_inside(config, raw.get("rules", []), path, line_of)
    return config


def _packs_inside(config: Config, raw_rules: list[str], path: Path, line_of: Any) -> None:
    """A config found in a repository is the repository's record: the packs it names must be
    inside its folder, as its other records are (a pack named ``../../x.yaml`` would be read
    from wherever the repository points). A config the user names follows its paths."""
    import os

    from hflint.safefile import inside

    folder = os.path.realpath(path.parent)
    for i, (pack, named) in enumerate(zip(config.rules, raw_rules, strict=True)):
        if not inside(folder, os.path.realpath(pack)):
            why = (
                f"rules/{i}: {named} resolves outside the folder of this config; "
                "a repository's config may only name packs inside it (it was not read)"
            )
            raise ConfigError(str(path), why, line_of(("rules", i)))


def _from_toml(shown: str, text: str) -> tuple[Any, Any]:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(shown, str(exc)) from None
    lines = text.splitlines()
    header = next((i + 1 for i, ln in enumerate(lines) if ln.strip() == "[tool.hflint]"), None)
    return data.get("tool", {}).get("hflint", {}), lambda _path: header


def _build(raw: dict[str, Any], path: Path, line_of: Any) -> Config:
    shown = str(path)
    globs: list[tuple[tuple[str | int, ...], str]] = [(("exclude", i), g) for i, g in enumerate(raw.get("exclude", []))]
    ignores = []
    for i, entry in enumerate(raw.get("per-path-ignores", [])):
        paths = entry["path"] if isinstance(entry["path"], list) else [entry["path"]]
        globs += [(("per-path-ignores", i, "path"), g) for g in paths]
        expires = None
        if "expires" in entry:
            try:
                expires = dt.date.fromisoformat(entry["expires"])
            except ValueError:
                raise ConfigError(
                    shown, f"per-path-ignores/{i}/expires: not a date", line_of(("per-path-ignores", i))
                ) from None
        ignores.append(
            PathIgnore(tuple(paths), tuple(entry["rules"]), entry["reason"], expires, line_of(("per-path-ignores", i)))
        )
    for where, glob in globs:
        if (bad := check_glob(glob)) is not None:
            raise ConfigError(shown, f"{'/'.join(map(str, where))}: bad glob: {bad}", line_of(where))
    fail_on = raw.get("fail-on", "error")
    return Config(
        source=shown,
        select=tuple(raw.get("select", ("ALL",))),
        extend_select=tuple(raw.get("extend-select", ())),
        ignore=tuple(raw.get("ignore", ())),
        severity={k: Severity.parse(v) for k, v in raw.get("severity", {}).items()},
        rules=tuple((path.parent / p) for p in raw.get("rules", ())),
        exclude=tuple(raw.get("exclude", ())),
        per_path_ignores=tuple(ignores),
        fail_on=None if fail_on == "none" else Severity.parse(fail_on),
    )
