"""Kind ``license-text``: a LICENSE file whose text is a different license (HF106).

The text is recognised by the distinctive phrases of ``rules/data/licenses.yaml`` (titles
and first sentences of the official texts; no dependency). Texts it does not recognise are
not reported. Only files that hold the model's license are compared with the card: a
LICENSE beside a MODEL_LICENSE, a LICENSE-CODE or a USE_POLICY.md is not the card's
license (hflint.cards.licenses.license_files). The card is README.md at the repository root; a card with no license is
HF103's, an unreadable front matter HF102's.
"""

from __future__ import annotations

from collections.abc import Iterator

from hflint.cards.licenses import agrees, license_files, load_license_data, read_license, recognise
from hflint.finding import Region
from hflint.kinds.base import Result, Unanalysable, each_file
from hflint.kinds.card_license import data_path, declared, readable_card
from hflint.kinds.card_license import validate as validate
from hflint.repo import Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "card": {"type": "string", "minLength": 1},
        "licenses": {"type": "string", "minLength": 1},
    },
    "additionalProperties": False,
}
FIELDS = frozenset({"detail"})


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    data = load_license_data(data_path(rule))
    card_path: str = rule.params.get("card", "README.md")

    def check_file(path: str) -> Iterator[Result]:
        if not repo.exists(card_path) or repo.is_lfs_pointer(card_path):
            return
        card = readable_card(repo, card_path)
        if isinstance(card, Unanalysable):
            yield Unanalysable(path, f"{card_path}: {card.reason}", card.covered_by)
            return
        ids = [v.strip() for v, _w in declared(card)]
        if not ids:
            return
        covers = license_files(repo, data, (card.metadata or {}).get("license_link")).get(path, "model")
        if covers != "model":
            return  # the code's license (LICENSE beside MODEL_LICENSE) or a use policy, not the card's
        text = read_license(repo, path)
        found = recognise(text, data)
        if not found or any(agrees(r, d, data) for r, _ in found for d in ids):
            return
        name, offset = found[0]
        line = text.count("\n", 0, offset) + 1
        shown = ", ".join(ids)
        if set(ids) <= {"other", "unknown"}:
            detail = (
                f"{card_path} declares '{shown}', but this is the {name} license text, "
                f"which has a Hub id: use `license: {name}`"
            )
        else:
            detail = f"this is the {name} license text, but {card_path} declares '{shown}'"
        yield rule.finding(path, region=Region(line), detail=detail)

    yield from each_file(rule, repo, check_file)
