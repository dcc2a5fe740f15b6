"""Rule documentation, generated from the packs: `hflint rules ID` and docs/rules/*.md.

``python -m hflint.ruledoc`` rewrites docs/rules/, the packs' JSON snapshot
(rules/builtin-packs.json, see hflint.packcache) and the validators compiled from
rules/schemas (hflint/schemafast/generated, see hflint.schemafast); ``--check`` exits 1 when
any is stale (the test suite runs it), so none drifts from the rules.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from hflint.rule import Rule


def rule_markdown(rule: Rule) -> str:
    """The rule's documentation page (also written to docs/rules/)."""
    from hflint.kinds import PLANNED

    d = rule.docs
    lines = [
        f"# {rule.id} {rule.name}",
        "",
        f"{rule.title}.",
        "",
        f"- Severity: {rule.severity.label}"
        + (f" (security-severity {rule.security_severity:.1f})" if rule.security_severity else ""),
        f"- Pack: {rule.pack}",
        f"- Check kind: `{rule.kind}`" + ("" if rule.active else f" (not yet active: {PLANNED.get(rule.kind, '')})"),
    ]
    if rule.files:
        lines.append(f"- Files: {', '.join(f'`{g}`' for g in rule.files)}")
    if rule.formats:
        shown = " or ".join(f"`{f}`" for f in rule.formats)
        lines.append(f"- Content: any file whose content is {shown}, whatever its name")
    if rule.tags:
        lines.append(f"- Tags: {', '.join(rule.tags)}")
    if rule.fix is not None:
        from hflint.fixes import FIX_KINDS

        how = "`hflint fix`" if rule.fix.safety == "safe" else "`hflint fix --unsafe`"
        summary = FIX_KINDS[rule.fix.kind].summary if rule.fix.kind in FIX_KINDS else ""
        lines.append(f"- Fix ({rule.fix.safety}, `{rule.fix.kind}`, applied by {how}): {summary}")
    lines += [
        "",
        "## What it does",
        "",
        d.what,
        "",
        "## Why is this bad?",
        "",
        d.why,
        "",
        "## Example",
        "",
        "```",
        d.example,
        "```",
        "",
        "## How to fix",
        "",
        d.fix,
    ]
    if d.references:
        lines += ["", "## References", "", *(f"- {r}" for r in d.references)]
    return "\n".join(lines) + "\n"


def render_pages(rules: Sequence[Rule]) -> dict[str, str]:
    """File name -> content for docs/rules/: one page per rule plus the index."""
    pages = {f"{r.id}.md": rule_markdown(r) for r in rules}
    index = [
        "# hflint rules",
        "",
        "Generated from `rules/*.yaml` by `python -m hflint.ruledoc`; do not edit by hand.",
        "",
        "| Id | Name | Severity | Pack | Status | Fix |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rules:
        status = "active" if r.active else "not yet active"
        fix = r.fix.safety if r.fix else ""
        index.append(f"| [{r.id}]({r.id}.md) | {r.name} | {r.severity.label} | {r.pack} | {status} | {fix} |")
    pages["README.md"] = "\n".join(index) + "\n"
    return pages


def main(argv: Sequence[str] | None = None) -> int:
    from hflint import _paths, datacache, packcache
    from hflint.rulepack import builtin_pack_paths, load_packs

    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    out = Path(next((a for a in args if not a.startswith("--")), "docs/rules"))
    pages = render_pages([r for p in load_packs() for r in p.rules])
    stale = sorted(
        name
        for name, text in pages.items()
        if not (out / name).is_file() or (out / name).read_text(encoding="utf-8") != text
    )
    extra = sorted(p.name for p in out.glob("*.md") if p.name not in pages) if out.is_dir() else []
    snapshot = _paths.rules_dir() / packcache.FILE_NAME
    snapshot_text = packcache.render(builtin_pack_paths())
    snapshot_stale = not snapshot.is_file() or snapshot.read_text(encoding="utf-8") != snapshot_text
    data_snapshot = _paths.rules_dir() / datacache.FILE_NAME
    data_text = datacache.render(datacache.data_paths())
    data_stale = not data_snapshot.is_file() or data_snapshot.read_text(encoding="utf-8") != data_text
    generated = _generated()
    generated_stale = [p for p, text in generated.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
    generated_extra = [p for p in _GENERATED_DIR.glob("*.py") if p.name != "__init__.py" and p not in generated]
    if check:
        outdated = [*(out / name for name in [*stale, *extra]), *([snapshot] if snapshot_stale else []),
                    *([data_snapshot] if data_stale else [])]
        for path in [*outdated, *generated_stale, *generated_extra]:
            print(f"{path}: out of date (run python -m hflint.ruledoc)")
        return 1 if outdated or generated_stale or generated_extra else 0
    out.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (out / name).write_text(pages[name], encoding="utf-8")
    for name in extra:
        (out / name).unlink()
    if snapshot_stale:
        snapshot.write_text(snapshot_text, encoding="utf-8")
    if data_stale:
        data_snapshot.write_text(data_text, encoding="utf-8")
    for path in generated_stale:
        path.write_text(generated[path], encoding="utf-8")
    for path in generated_extra:
        path.unlink()
    return 0


_GENERATED_DIR = Path(__file__).resolve().parent / "schemafast" / "generated"


def _generated() -> dict[Path, str]:
    """The validators compiled from rules/schemas (hflint.schemafast), path -> text."""
    from hflint import _paths, schemafast

    return {_GENERATED_DIR / name: text for name, text in schemafast.render(_paths.schemas_dir()).items()}


if __name__ == "__main__":
    raise SystemExit(main())
