"""huggingface_hub's own card templates, for the card fixes (HF101, HF107).

A new model card is ``ModelCard.from_template(ModelCardData(...))`` with only the metadata
the repository proves (hflint.fixes.cardfacts): every other field keeps the template's
``[More Information Needed]``, which HF108 then reports, so the card says what is still to
write instead of inventing it. A missing section is inserted as its heading with the
guidance comment the template gives under it (``<!-- ... -->``), and nothing else.

huggingface_hub renders its template with plain Jinja2; the values passed in are ids from
hflint's own lists or checked against the Hub id pattern, never text from the repository.
"""

from __future__ import annotations

import functools
import re

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_COMMENT = re.compile(r"^<!--.*-->$")


def model_card(metadata: dict[str, str]) -> str:
    """The text ``ModelCard.from_template`` writes for a card with ``metadata``."""
    from huggingface_hub import ModelCard, ModelCardData  # lazy: only --unsafe card fixes

    data = ModelCardData(
        base_model=metadata.get("base_model"),
        library_name=metadata.get("library_name"),
        license=metadata.get("license"),
        pipeline_tag=metadata.get("pipeline_tag"),
    )
    text = str(ModelCard.from_template(data))
    return text if text.endswith("\n") else text + "\n"


@functools.cache
def _template(name: str) -> tuple[tuple[int, str, tuple[str, ...]], ...]:
    """(level, title, lines below it up to the next heading) for each heading of a template."""
    from importlib import resources

    text = resources.files("huggingface_hub").joinpath("templates", name).read_text(encoding="utf-8")
    out: list[tuple[int, str, list[str]]] = []
    for line in text.splitlines():
        m = _HEADING.match(line)
        if m:
            out.append((len(m.group(1)), m.group(2), []))
        elif out:
            out[-1][2].append(line.strip())
    return tuple((level, title, tuple(lines)) for level, title, lines in out)


def guidance(title: str, dataset: bool = False) -> str | None:
    """The template's guidance for section ``title``: the comment under its heading, else a
    plain sentence there (made a comment), else the first comment of its subsections."""
    sections = _template("datasetcard_template.md" if dataset else "modelcard_template.md")
    for i, (level, name, lines) in enumerate(sections):
        if name.lower() != title.lower():
            continue
        comments = [line for line in lines if _COMMENT.match(line)]
        if comments:
            return "\n".join(comments)
        plain = [line for line in lines if line and "{{" not in line and not line.startswith(("-", "*", "<"))]
        if plain:
            return "\n".join(f"<!-- {line} -->" for line in plain)
        for sub_level, _sub, sub_lines in sections[i + 1 :]:
            if sub_level <= level:
                break
            found = next((line for line in sub_lines if _COMMENT.match(line)), None)
            if found:
                return found
        return None
    return None
