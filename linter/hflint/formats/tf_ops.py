"""Which nodes of a TensorFlow graph an op policy reports, with the SavedModel saver rule.

Every SavedModel carries checkpoint ops: TF2 (tf.saved_model.save) in the functions its
SaverDef's save and restore nodes call (``__inference__traced_save_N`` with SaveV2,
MergeV2Checkpoints...; ``__inference__traced_restore_N`` with RestoreV2), TF1
(tf.compat.v1.saved_model) in the graph under the saver's name scope (``save/SaveV2``).
Those are clean. The same ops anywhere else are reported, and so are the saver's own when
the model reaches them from elsewhere: a function of the saver that another function or
node also calls, or a TF1 saver scope whose nodes feed a node outside it, no longer counts
as the saver.
"""

from __future__ import annotations

from typing import NamedTuple

from hflint.formats.oppolicy import OpEntry, OpPolicy
from hflint.formats.tf_graph import Graph, Node, all_nodes


class Hit(NamedTuple):
    node: Node
    function: str | None
    entry: OpEntry
    note: str  # why a saver op was not allowed, or ""


def _node_name(tensor: str) -> str:
    """'^save/Const', 'StatefulPartitionedCall_1:0' -> the node's name."""
    return tensor.lstrip("^").split(":")[0]


def _closure(roots: set[str], graph: Graph) -> set[str]:
    seen: set[str] = set()
    stack = [r for r in roots if r in graph.functions]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        stack.extend(c for n in graph.functions[name] for c in n.calls if c in graph.functions and c not in seen)
    return seen


class Saver(NamedTuple):
    functions: frozenset[str]  # trusted save/restore functions
    scope: str | None  # trusted TF1 name scope ("save/")
    note: str  # why the saver is not trusted, when it is not


def saver_of(graph: Graph) -> Saver:
    _, save, restore = graph.saver
    roots = {_node_name(t) for t in (save, restore) if t}
    if not roots:
        return Saver(frozenset(), None, "")
    by_name = {n.name: n for n in graph.nodes}
    called = {c for r in roots if r in by_name for c in by_name[r].calls}
    functions = _closure(called, graph)
    if functions:
        # Who else calls them? Any other node of the graph or any function outside them.
        others = [n for n in graph.nodes if n.name not in roots]
        others += [n for f, body in graph.functions.items() if f not in functions for n in body]
        reached = {c for n in others for c in n.calls if c in functions}
        if reached:
            return Saver(frozenset(functions - _closure(reached, graph)), None,
                         f"the saver function(s) {', '.join(sorted(reached))} are also called from outside the saver")
        return Saver(frozenset(functions), None, "")
    restore_node = _node_name(restore) if restore else ""
    if "/" not in restore_node:
        return Saver(frozenset(), None, "")
    scope = restore_node.rsplit("/", 1)[0] + "/"
    for node in graph.nodes:
        if not node.name.startswith(scope) and any(_node_name(i).startswith(scope) for i in node.inputs):
            return Saver(frozenset(), None, f"node {node.name!r} outside the saver scope {scope!r} uses its output")
    return Saver(frozenset(), scope, "")


def _attr_matches(node: Node, entry: OpEntry) -> bool:
    return any(key in node.attrs and pattern.search(node.attrs[key]) for key, pattern in entry.when_attr)


def hits(graphs: list[Graph], policy: OpPolicy, categories: frozenset[str]) -> list[Hit]:
    out = []
    for graph in graphs:
        saver: Saver | None = None
        for function, node in all_nodes(graph):
            entry = policy.ops.get(node.op)
            if entry is None or entry.category not in categories:
                continue
            if entry.when_attr and not _attr_matches(node, entry):
                continue
            note = ""
            if entry.allowed_in_saver:
                saver = saver or saver_of(graph)
                if function is not None and function in saver.functions:
                    continue
                if function is None and saver.scope is not None and node.name.startswith(saver.scope):
                    continue
                note = saver.note
            out.append(Hit(node, function, entry, note))
    return out
