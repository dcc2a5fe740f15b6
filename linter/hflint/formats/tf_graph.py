"""What the TensorFlow checks need from a SavedModel (``saved_model.pb``) or a frozen
GraphDef (``*.pb``): every node's op, in the graph and in every function of its library,
read with the shared protobuf walker (hflint.formats.protowire). TensorFlow is not used.

Field numbers, from tensorflow/core/protobuf and tensorflow/core/framework
(https://github.com/tensorflow/tensorflow/tree/master/tensorflow/core):
saved_model.proto SavedModel{saved_model_schema_version=1, meta_graphs=2};
meta_graph.proto MetaGraphDef{graph_def=2, saver_def=3}; saver.proto SaverDef{
filename_tensor_name=1, save_tensor_name=2, restore_op_name=3}; graph.proto GraphDef{node=1,
library=2}; function.proto FunctionDefLibrary{function=1}, FunctionDef{signature=1 (OpDef
name=1), node_def=3}; node_def.proto NodeDef{name=1, op=2, input=3, attr=5 (map entry
key=1, value=2)}; attr_value.proto AttrValue{list=1, s=2, func=10}, ListValue{func=9},
NameAttrList{name=1}. Tensor contents (a frozen graph's Const weights) are skipped.

A node's ``calls`` are the functions it names: its op (a call of a library function) and
every ``func`` attribute (StatefulPartitionedCall's ``f``, While's ``body``...), which is how
the save/restore functions of a SavedModel are told from the others.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import BinaryIO, NamedTuple

from hflint.formats.protowire import DEFAULT_LIMITS, LEN, Limits, Span, WireError, WireReader

__all__ = ["Graph", "Node", "WireError", "read_graph_def", "read_saved_model"]

MAX_NODES = 2_000_000


class Node(NamedTuple):
    name: str
    op: str
    where: str
    calls: tuple[str, ...]
    attrs: dict[str, str]  # string attributes the caller asked for, by op
    inputs: tuple[str, ...]


class Graph(NamedTuple):
    where: str  # "/meta_graphs/0/graph_def" or "" for a bare GraphDef
    nodes: list[Node]
    functions: dict[str, list[Node]]  # name -> its nodes
    function_where: dict[str, str]
    saver: tuple[str, str, str]  # SaverDef filename tensor, save tensor, restore op ("" when none)


class _Walker:
    def __init__(self, reader: WireReader, wanted_attrs: dict[str, frozenset[str]]) -> None:
        self.r = reader
        self.wanted = wanted_attrs
        self.count = 0

    def saved_model(self) -> list[Graph]:
        graphs: list[Graph] = []
        for number, wire, value, length in self.r.fields(self.r.whole, 0):
            if number == 2 and wire == LEN:
                graphs.append(self.meta_graph((value, value + length), f"/meta_graphs/{len(graphs)}", 1))
        return graphs

    def meta_graph(self, span: Span, where: str, depth: int) -> Graph:
        graph_spans: list[Span] = []
        saver_spans: list[Span] = []
        for number, wire, value, length in self.r.fields((span,), depth):
            if wire == LEN and number == 2:
                graph_spans.append((value, value + length))
            elif wire == LEN and number == 3:
                saver_spans.append((value, value + length))
        saver = ["", "", ""]
        for number, wire, value, length in self.r.fields(saver_spans, depth + 1):
            if wire == LEN and number in (1, 2, 3):
                saver[number - 1] = self.r.string(value, length)
        graph = self.graph_def(graph_spans, f"{where}/graph_def", depth + 1)
        return graph._replace(saver=(saver[0], saver[1], saver[2]))

    def graph_def(self, spans: Sequence[Span], where: str, depth: int) -> Graph:
        nodes: list[Node] = []
        library: list[Span] = []
        for number, wire, value, length in self.r.fields(spans, depth):
            if wire == LEN and number == 1:
                nodes.append(self.node((value, value + length), f"{where}/node/{len(nodes)}", depth + 1))
            elif wire == LEN and number == 2:
                library.append((value, value + length))
        functions: dict[str, list[Node]] = {}
        places: dict[str, str] = {}
        index = 0
        for number, wire, value, length in self.r.fields(library, depth + 1):
            if wire == LEN and number == 1:
                place = f"{where}/library/function/{index}"
                name, body = self.function((value, value + length), place, depth + 2)
                functions.setdefault(name, []).extend(body)  # a duplicate name: both bodies are checked
                places.setdefault(name, place)
                index += 1
        return Graph(where, nodes, functions, places, ("", "", ""))

    def function(self, span: Span, where: str, depth: int) -> tuple[str, list[Node]]:
        name = ""
        signature: list[Span] = []
        body: list[Node] = []
        for number, wire, value, length in self.r.fields((span,), depth):
            if wire == LEN and number == 1:
                signature.append((value, value + length))
            elif wire == LEN and number == 3:
                body.append(self.node((value, value + length), f"{where}/node_def/{len(body)}", depth + 1))
        for number, wire, value, length in self.r.fields(signature, depth + 1):
            if wire == LEN and number == 1:
                name = self.r.string(value, length)
        return name, body

    def node(self, span: Span, where: str, depth: int) -> Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise WireError(f"more than {MAX_NODES} graph nodes; not analysed further")
        name = op = ""
        inputs: list[str] = []
        attr_spans: list[Span] = []
        for number, wire, value, length in self.r.fields((span,), depth):
            if wire != LEN:
                continue
            if number == 1:
                name = self.r.string(value, length)
            elif number == 2:
                op = self.r.string(value, length)
            elif number == 3:
                inputs.append(self.r.string(value, length))
            elif number == 5:
                attr_spans.append((value, value + length))
        calls = [op]
        attrs: dict[str, str] = {}
        wanted = self.wanted.get(op, frozenset())
        for entry in attr_spans:
            key, funcs, text = self.attr_entry(entry, depth + 1, wanted)
            calls.extend(funcs)
            if text is not None:
                attrs[key] = text
        return Node(name, op, where, tuple(calls), attrs, tuple(inputs))

    def attr_entry(self, span: Span, depth: int, wanted: frozenset[str]) -> tuple[str, list[str], str | None]:
        """(key, functions named, string value if the key is wanted) of one attr map entry."""
        key = ""
        values: list[Span] = []
        for number, wire, value, length in self.r.fields((span,), depth):
            if wire == LEN and number == 1:
                key = self.r.string(value, length)
            elif wire == LEN and number == 2:
                values.append((value, value + length))
        funcs: list[str] = []
        text: str | None = None
        lists: list[Span] = []
        for number, wire, value, length in self.r.fields(values, depth + 1):
            if wire != LEN:
                continue
            if number == 10:
                funcs.append(self._func_name((value, value + length), depth + 2))
            elif number == 1:
                lists.append((value, value + length))
            elif number == 2 and key in wanted:
                text = self.r.string(value, length)
        for number, wire, value, length in self.r.fields(lists, depth + 2):
            if wire == LEN and number == 9:
                funcs.append(self._func_name((value, value + length), depth + 3))
        return key, funcs, text

    def _func_name(self, span: Span, depth: int) -> str:
        name = ""
        for number, wire, value, length in self.r.fields((span,), depth):
            if wire == LEN and number == 1:
                name = self.r.string(value, length)
        return name


def read_saved_model(fh: BinaryIO, wanted_attrs: dict[str, frozenset[str]], limits: Limits = DEFAULT_LIMITS
                     ) -> list[Graph]:
    """The graphs of every MetaGraphDef of a SavedModel; WireError when it cannot be read."""
    return _Walker(WireReader(fh, limits), wanted_attrs).saved_model()


def read_graph_def(fh: BinaryIO, wanted_attrs: dict[str, frozenset[str]], limits: Limits = DEFAULT_LIMITS
                   ) -> list[Graph]:
    """A bare (frozen) GraphDef, as one graph; WireError when it cannot be read."""
    reader = WireReader(fh, limits)
    return [_Walker(reader, wanted_attrs).graph_def(reader.whole, "", 0)]


def all_nodes(graph: Graph) -> Iterator[tuple[str | None, Node]]:
    """(function name or None for the graph itself, node) for every node."""
    for node in graph.nodes:
        yield None, node
    for name, body in graph.functions.items():
        for node in body:
            yield name, node
