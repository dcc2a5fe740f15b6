"""Kind ``hydra-targets``: Hydra targets in NeMo configs that name code outside the
frameworks' own classes (HF644 dangerous, HF645 not on the allowlist).

Where configs are read:

* ``model_config.yaml`` inside any archive (a ``.nemo`` file is a tar of it, the weights and
  tokenizer files), and every other YAML member of an archive in a NeMo repository: the
  members the pickle analysis keeps while it walks the archive (hflint.pickles.archivewalk);
* loose ``*.yaml``/``*.yml`` files: ``model_config.yaml`` anywhere, every YAML file in a NeMo
  repository (one with a ``.nemo`` file, or ``library_name: nemo`` in its card).

YAML is read with hflint's bounded safe loader (hflint.yamlfile); targets and the policy are
hflint.archives.hydra (``params.policy``, default rules/data/hydra-targets.yaml). One finding
per file and target, with the other places it appears counted.
"""

from __future__ import annotations

from collections.abc import Iterator

from hflint.archives import hydra
from hflint.archives.members import MAX_CONFIG_BYTES, basename
from hflint.finding import Region
from hflint.kinds.base import Result, Unanalysable, capped, each_file
from hflint.kinds.pickle_scan import DATA_FILE, analysis_params, limits_of
from hflint.pickles import analysis
from hflint.pickles.report import KEEP, grouped
from hflint.repo import CannotAnalyse, Repo
from hflint.rule import Rule
from hflint.yamlfile import YamlDoc, YamlError, load_yaml

PARAMS_SCHEMA = analysis_params("check", check={"enum": [hydra.DANGEROUS, hydra.UNLISTED]}, policy=DATA_FILE)
FIELDS = frozenset({"detail", "pointer", "target"})
DEFAULT_POLICY = "hflint:data/hydra-targets.yaml"
NEMO_CONFIG = "model_config.yaml"  # the name NeMo's SaveRestoreConnector reads
MAX_NODES = 1_000_000  # a model_config.yaml may list a vocabulary


def validate(rule: Rule) -> list[str]:
    try:
        hydra.load_policy(rule.data_file(rule.params.get("policy", DEFAULT_POLICY)))
    except ValueError as exc:
        return [f"params.policy: {exc}"]
    return []


def nemo_repo(repo: Repo) -> bool:
    """A repository NeMo loads from: it ships a .nemo file or its card says library_name: nemo."""
    if any(f.endswith(".nemo") for f in repo.files):
        return True
    if not repo.exists("README.md"):
        return False
    from hflint.cards.frontmatter import load_card

    meta = load_card(repo, "README.md").metadata or {}
    return str(meta.get("library_name", "")).lower() == "nemo"


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    wanted: str = rule.params["check"]
    policy = hydra.load_policy(rule.data_file(rule.params.get("policy", DEFAULT_POLICY)))
    limits = limits_of(rule)
    cap: int = rule.params.get("max-findings", 20)
    nemo = nemo_repo(repo)

    def check_file(path: str) -> Iterator[Result]:
        if path.lower().endswith((".yaml", ".yml")):
            if nemo or basename(path) == NEMO_CONFIG:
                doc = _parse(repo.text(path))
                yield from capped(_findings(rule, path, "", doc, policy, wanted, loose=True), cap)
            return
        rep = analysis.cached(repo, path, limits)
        for chain, data in rep.configs:
            if not (nemo or basename(chain) == NEMO_CONFIG):
                continue
            try:
                if len(data) > MAX_CONFIG_BYTES:
                    raise CannotAnalyse(f"larger than {MAX_CONFIG_BYTES} bytes")
                doc = _parse(data.decode("utf-8"))
            except (CannotAnalyse, UnicodeDecodeError) as exc:
                reason = exc.reason if isinstance(exc, CannotAnalyse) else "not UTF-8"
                yield Unanalysable(path, f"config member {chain} cannot be read ({reason}); its Hydra targets "
                                         "were not checked")
                continue
            yield from capped(_findings(rule, path, chain, doc, policy, wanted, loose=False), cap)

    yield from each_file(rule, repo, check_file)


def _parse(text: str) -> YamlDoc:
    try:
        return load_yaml(text, max_nodes=MAX_NODES)
    except YamlError as exc:
        where = f" (line {exc.line})" if exc.line else ""
        raise CannotAnalyse(f"YAML cannot be read{where}: {exc.message}") from None


def _findings(rule: Rule, path: str, chain: str, doc: YamlDoc, policy: hydra.Policy, wanted: str, *,
              loose: bool) -> Iterator[Result]:
    places: dict[str, list[tuple[str, int | None]]] = {}
    counts: dict[str, int] = {}
    reasons: dict[str, str] = {}
    for target in hydra.targets(doc):
        verdict, reason = policy.classify(target.value)
        if verdict != wanted:
            continue
        ptr = hydra.pointer(target.path)
        counts[target.value] = counts.get(target.value, 0) + 1
        reasons.setdefault(target.value, reason)
        kept = places.setdefault(target.value, [])
        if len(kept) < KEEP:
            kept.append((f"{chain}:{ptr}" if chain else ptr, doc.line_of(target.path)))
    for value, kept in places.items():
        where, line = kept[0]
        why = reasons[value] or "not on the allowlist of the frameworks' own classes"
        if line and not loose:  # a member has no region of its own: its line goes in the message
            why += f" (line {line} of {basename(chain)})"
        detail = grouped(why, [w for w, _ in kept[1:]], counts[value])
        yield rule.finding(path, region=Region(line) if loose and line else None, pointer=where,
                           target=value, detail=detail)
