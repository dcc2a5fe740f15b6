"""Kind ``onnx-model``: ONNX models read with hflint's protobuf walker (HF601-HF605).

``params.check`` selects what a rule reports:

* ``external-outside``: external data whose ``location`` is absolute, has a drive letter,
  leaves the model's folder once normalised (onnx's checker rule since CVE-2024-27318), is
  onnxruntime's in-memory tag, or passes through a symlink leading out of the folder;
* ``external-missing``: external data naming no file of the repository, or a file too short
  for ``offset`` + ``length`` (or the tensor's size), or with malformed offset/length;
* ``ops``: operators whose policy category is in ``params.categories`` (PyOp...);
* ``custom-domain``: nodes in a domain no ONNX runtime ships that the model does not define;
* ``unanalysable``: a file that is not an ONNX protobuf within the limits.

The file is parsed once per scan (the parse is cached on the repo); external data files are
looked up in the listing, never opened.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from hflint.finding import Finding
from hflint.formats.onnx_model import ExternalTensor, ModelInfo, OpUse, read_model
from hflint.formats.oppolicy import load_policy, validate_policy
from hflint.formats.protowire import Limits, WireError
from hflint.formats.reporting import limits_of, params_schema, report
from hflint.kinds.base import Result, each_file
from hflint.repo import CannotAnalyse, Repo
from hflint.rule import Rule

CHECKS = ["external-outside", "external-missing", "ops", "custom-domain", "unanalysable"]
PARAMS_SCHEMA = params_schema(CHECKS, limits=True)
FIELDS = frozenset({"detail", "pointer"})
DEFAULT_POLICY = "hflint:data/onnx-ops.yaml"
# onnxruntime's tag for initializers already in memory: `offset` is then a raw address
# (onnxruntime core/framework/tensorprotoutils.h kTensorProtoMemoryAddressTag); a file that
# carries it makes loaders that honour it read process memory (CWE-822).
ORT_MEMORY_TAG = "*/_ORT_MEM_ADDR_/*"
# TensorProto.DataType -> bits per element (onnx.proto); STRING (8) has no fixed size.
ELEMENT_BITS = {1: 32, 2: 8, 3: 8, 4: 16, 5: 16, 6: 32, 7: 64, 9: 8, 10: 16, 11: 64, 12: 32, 13: 64, 14: 64,
                15: 128, 16: 16, 17: 8, 18: 8, 19: 8, 20: 8, 21: 4, 22: 4, 23: 4, 24: 8, 25: 2, 26: 2, 27: 6, 28: 6}
_DECIMAL = re.compile(r"[0-9]{1,20}")
CACHE_KEY = "hflint.formats.onnx"


def validate(rule: Rule) -> list[str]:
    if rule.params.get("check") != "ops":
        return []
    return validate_policy(rule.data_file(rule.params.get("policy", DEFAULT_POLICY)), rule.params.get("categories"))


def parsed(repo: Repo, path: str, limits: Limits) -> ModelInfo:
    def parse() -> ModelInfo:
        with repo.open(path) as fh:
            try:
                return read_model(fh, limits)
            except WireError as exc:
                raise CannotAnalyse(f"not an ONNX model hflint can read: {exc}") from None

    return repo.cached(path, f"{CACHE_KEY}/{limits}", parse)


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    what: str = rule.params["check"]
    limits = limits_of(rule.params)

    def findings(path: str, info: ModelInfo) -> Iterator[Finding]:
        if what == "ops":
            return _ops(rule, path, info)
        if what == "custom-domain":
            return _custom_domains(rule, path, info)
        return _external(rule, repo, path, info, what)

    def check_file(path: str) -> Iterator[Result]:
        return report(rule, repo, path, lambda: parsed(repo, path, limits), lambda info: findings(path, info))

    yield from each_file(rule, repo, check_file, covered_by="onnx-model")


def _ops(rule: Rule, path: str, info: ModelInfo) -> Iterator[Finding]:
    policy = load_policy(rule.data_file(rule.params.get("policy", DEFAULT_POLICY)))
    wanted = set(rule.params.get("categories", ["python"]))
    for (domain, op_type), use in sorted(info.ops.items()):
        entry = policy.ops.get(op_type)
        if entry is None or entry.category not in wanted:
            continue
        node = f" (node '{use.node}')" if use.node else ""
        detail = f"operator {op_type} (domain {domain or 'ai.onnx'}), {use.nodes} node(s){node}: {entry.reason}"
        yield rule.finding(path, pointer=use.where, detail=detail)


def _custom_domains(rule: Rule, path: str, info: ModelInfo) -> Iterator[Finding]:
    policy = load_policy(rule.data_file(rule.params.get("policy", DEFAULT_POLICY)))
    by_domain: dict[str, list[tuple[str, OpUse]]] = {}
    for (domain, op_type), use in sorted(info.ops.items()):
        # A call of one of the model's own functions runs nodes the model carries.
        if not policy.known_domain(domain) and (domain, op_type) not in info.functions:
            by_domain.setdefault(domain, []).append((op_type, use))
    for domain, uses in sorted(by_domain.items()):
        names = ", ".join(op for op, _ in uses[:10]) + (f" and {len(uses) - 10} more" if len(uses) > 10 else "")
        count = sum(use.nodes for _, use in uses)
        first = uses[0][1].where
        detail = f"{count} node(s) of domain '{domain}' ({names}) need a custom-operator library to run"
        yield rule.finding(path, pointer=first, detail=detail)


def _external(rule: Rule, repo: Repo, path: str, info: ModelInfo, what: str) -> Iterator[Finding]:
    """One finding per distinct problem (a location shared by 300 tensors is one finding)."""
    folder = posixpath.dirname(path)
    seen: dict[str, int] = {}
    firsts: dict[str, ExternalTensor] = {}
    for ref in info.external:
        verdict = external_problem(ref, folder, repo)
        if verdict is None or verdict[0] != what:
            continue
        detail = verdict[1]
        seen[detail] = seen.get(detail, 0) + 1
        firsts.setdefault(detail, ref)
    for detail, ref in firsts.items():
        more = f" (and {seen[detail] - 1} more tensor(s))" if seen[detail] > 1 else ""
        yield rule.finding(path, pointer=ref.where, detail=f"tensor '{ref.name}': {detail}{more}")


def location_escape(location: str) -> str | None:
    """Why a location names something other than a file inside the model's folder, read
    lexically as onnx's checker does (backslashes count as separators: Windows loaders)."""
    if location == ORT_MEMORY_TAG:
        return (f"location is onnxruntime's in-memory tag {ORT_MEMORY_TAG!r}: a loader that honours it reads "
                "process memory at the address given as `offset`")
    if "\x00" in location:
        return f"location {location!r} contains a NUL byte"
    text = location.replace("\\", "/")
    if text.startswith("/"):
        return f"location {location!r} is an absolute path"
    if re.match(r"[A-Za-z]:", text):
        return f"location {location!r} starts with a drive letter"
    norm = posixpath.normpath(text)
    if norm == ".." or norm.startswith("../"):
        return f"location {location!r} leaves the model's folder (normalised: {norm!r})"
    return None


def external_problem(ref: ExternalTensor, folder: str, repo: Repo) -> tuple[str, str] | None:
    """(check, detail) of what is wrong with one external tensor, or None."""
    info = dict(ref.entries)  # onnx and onnxruntime: the last entry of a key wins
    location = info.get("location")
    if not location:
        missing = "external data has no 'location' entry" if location is None else "location is empty"
        return "external-missing", missing
    escape = location_escape(location)
    if escape:
        return "external-outside", escape
    # The OS resolves symlinks before '..': ask where the path really leads.
    joined = posixpath.join(folder, location.replace("\\", "/"))
    target = repo.resolve(joined)
    if target is None or not (folder == "" or target == folder or target.startswith(folder + "/")):
        return "external-outside", f"location {location!r} passes through a symlink leading out of the model's folder"
    if not repo.exists(target):
        return "external-missing", f"location {location!r} names {target}, which is not in the repository"
    numbers: dict[str, int] = {}
    for key in ("offset", "length"):
        if key in info:
            if not _DECIMAL.fullmatch(info[key]):
                return "external-missing", f"external data {key} {info[key]!r} is not a non-negative integer"
            numbers[key] = int(info[key])
    if repo.is_lfs_pointer(target):
        return None  # present, content not fetched (HF002 reports it)
    offset, size = numbers.get("offset", 0), repo.size(target)
    need = tensor_bytes(ref)
    length = numbers.get("length", need)
    if "length" in numbers and need is not None and numbers["length"] != need:
        return "external-missing", (f"external data length {numbers['length']} differs from the {need} bytes "
                                    f"of the tensor's shape and type")
    if offset > size or (length is not None and offset + length > size):
        wanted = f"bytes {offset}..{offset + length}" if length is not None else f"offset {offset}"
        return "external-missing", f"reads {wanted} of {target}, which has {size} bytes"
    return None


def tensor_bytes(ref: ExternalTensor) -> int | None:
    bits = ELEMENT_BITS.get(ref.data_type)
    if bits is None or any(d < 0 for d in ref.dims):
        return None
    count = 1
    for d in ref.dims:
        count *= d
    return (count * bits + 7) // 8
