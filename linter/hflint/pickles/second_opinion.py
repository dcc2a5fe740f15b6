"""fickling's reading of one pickle stream, mapped by meaning; fickling types stay here.

fickling decompiles a pickle into Python AST with its symbolic interpreter (never
unpickling). hflint keeps only the imports that AST performs (``from m import n``) and
classifies them with its own lists; fickling's severity labels and messages are not used
(model-codebases.md section 6). Any exception or interpreter limit is a reason for HF403:
fickling's own ``Pickled.ast`` would swallow those and return an empty AST (fail open), so
the interpreter is driven directly.
"""

from __future__ import annotations

import ast
import contextlib
import io
from collections.abc import Iterator
from typing import Any

from hflint.pickles.readers import Exhausted, LimitHit, Limits, Unreadable
from hflint.pickles.report import FileReport, Hit, pointer
from hflint.pickles.values import Import


def vet(report: FileReport, limits: Limits) -> FileReport:
    """Ask fickling about every stream still pending; its extra imports become hits and its
    failures problems. Idempotent: the pickle rules call it on the shared report."""
    pending, report.pending, report.pending_bytes = report.pending, [], 0
    if report.budget is not None and pending:
        report.budget.restart()
    for chain, start, ours, data in pending:
        try:
            if report.budget is not None:
                report.budget.check_time()  # fickling on 20,000 small streams is the file's time too
        except Exhausted as exc:
            report.add_problem(pointer(chain, start), f"{exc.reason} (fickling's second opinion)", exc.cls)
            break
        opinion = _opinion(report.opinions, data, limits.fickling_max_opcodes)
        if opinion is None:  # fickling has no model of an opcode: hflint's own walk stands
            continue
        if isinstance(opinion, str):
            report.add_problem(pointer(chain, start), opinion)
            continue
        seen = opinion
        for module, name in sorted(seen - ours):
            if module.startswith("_malformed_"):
                continue  # fickling's placeholder for a computed name; HF403 already says so
            imp = Import(module, name, start, 0, "fickling")
            report.hits.append(Hit(chain, imp, "fickling"))
    return report


def _opinion(store: Any, data: bytes, max_opcodes: int) -> set[tuple[str, str]] | str | None:
    """fickling's imports of the stream, the reason it cannot read it, or None when it has no
    model of an opcode; kept per distinct stream in the result cache when there is one
    (hflint.resultcache: keyed by the stream's hash, the opcode limit and fickling's version)."""
    key = None
    if store is not None:
        from hflint.resultcache import stream_key

        key = stream_key(data, max_opcodes)
        kept = store.opinion(key)
        if isinstance(kept, dict) and kept.get("format") == 1:
            if "imports" in kept:
                return {(m, n) for m, n in kept["imports"]}
            return kept.get("unreadable")
    try:
        found: set[tuple[str, str]] | str | None = imports(data, max_opcodes)
    except Unsupported:
        found = None
    except Unreadable as exc:  # LimitHit too: fickling's opcode limit is the stream's property
        found = exc.reason
    if key is not None:
        value = {"imports": sorted(found)} if isinstance(found, set) else {"unreadable": found}
        store.keep_opinion(key, {"format": 1, **value})
    return found


class Unsupported(Exception):
    """fickling has no model of an opcode (0.1.12: BYTEARRAY8, NEXT_BUFFER, READONLY_BUFFER).

    That is a gap in the second opinion, not in the file: hflint's own walk decoded the
    stream completely before fickling was asked, so the caller keeps its own result.
    """


def imports(data: bytes, max_opcodes: int) -> set[tuple[str, str]]:
    """(module, name) pairs the stream imports, as fickling sees them."""
    # fickling ships no type information; its objects never leave this function.
    from fickling.exception import ResourceExhaustionError  # type: ignore[import-untyped]
    from fickling.fickle import Interpreter, InterpreterLimits, Pickled  # type: ignore[import-untyped]

    sink = io.StringIO()
    # fickling prints warnings to stdout/stderr; keep them out of hflint's output.
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        try:
            pickled = Pickled.load(data)
            limits = InterpreterLimits(max_opcodes=max_opcodes, max_memo_size=1_000_000)
            module = Interpreter(pickled, limits=limits).to_ast()
        except ResourceExhaustionError as exc:
            raise LimitHit(f"fickling's {exc.resource_type} limit of {exc.limit} reached") from None
        except NotImplementedError:  # fickling's text names its own internals; it is never shown
            raise Unsupported("fickling has no model of an opcode of the stream") from None
        except RecursionError:
            raise LimitHit("fickling ran out of recursion depth") from None
        except Exception as exc:  # any failure to interpret is a reason to fail closed
            raise Unreadable(f"fickling cannot interpret the stream ({type(exc).__name__})") from None
    found: set[tuple[str, str]] = set()
    for node in _statements(module.body):
        if isinstance(node, ast.ImportFrom):
            found.update((node.module or "", alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update((alias.name, "") for alias in node.names)
    return found


def _statements(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every statement of ``body``, nested ones too, without visiting expressions.

    An import is a statement, and Python's grammar places statements only in statement lists
    (the ``stmt*`` fields of the ASDL: body, orelse, finalbody, handlers' and cases' bodies),
    never inside an expression, so this finds every import ``ast.walk`` would. It skips the
    expression trees fickling builds for every value, which were most of the walk's time
    (benchmarks/scan_profile.py: 14 of the second opinion's 89 ms on 30 torch shards)."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            children = getattr(node, field, None)
            if isinstance(children, list):
                stack.extend(reversed(children))
