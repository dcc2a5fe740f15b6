"""Sequences of pickle streams as loaders read them: raw files, legacy torch, joblib.

* raw pickle: ``pickle.load`` reads one stream; anything after STOP that is not another
  complete stream is HF403 ("opcodes after STOP" hide payloads from scanners that stop early).
* legacy ``torch.save(..., _use_new_zipfile_serialization=False)``: magic number, protocol
  version, sys_info, the object, storage keys - five pickles - then raw storage bytes that
  are never unpickled (torch/serialization.py ``_legacy_load``); the walk stops there.
* joblib: each NumpyArrayWrapper BUILD is followed by the array bytes inline (after a
  padding byte and padding when the wrapper records an alignment), or, when the array's
  dtype holds objects (hflint.pickles.dtypes), by a nested pickle that joblib reads with a
  plain Unpickler (joblib/numpy_pickle.py ``read_array``). A wrapper whose layout cannot be
  derived statically is HF403, never guessed.
* torch's pre-1.0 tar format: ``storages``/``tensors`` members interleave small pickles
  and raw data (``_legacy_load`` tar branch).
"""

from __future__ import annotations

import struct
from typing import Any

from hflint.pickles import dtypes, opcodes, second_opinion
from hflint.pickles.buffered import Buffered
from hflint.pickles.checkpoint import LEGACY_MAGIC, STORAGE_BYTES
from hflint.pickles.readers import Exhausted, Limits, Unreadable
from hflint.pickles.report import FileReport, Hit, Pending, pointer
from hflint.pickles.values import OPAQUE, GlobalRef, Obj, Stream, SymDict, literal

JOBLIB_WRAPPERS = {"joblib.numpy_pickle.NumpyArrayWrapper", "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper"}
NOTHING = object()  # StreamRunner.loaded before a stream completes


class StreamRunner:
    """Walks streams from one source and records them in the file's report; ``loaded`` is
    the object a loader gets from the source (raw_sequence sets it), for the state-dict view."""

    def __init__(self, report: FileReport, limits: Limits, chain: str) -> None:
        self.report, self.limits, self.chain = report, limits, chain
        self.inline = 0  # joblib arrays seen (their bytes sit inside the stream)
        self.loaded: Any = NOTHING
        self._wrappers: dict[int, Obj] = {}  # joblib wrappers already read (kept alive: ids stay unique)

    def one(self, r: Buffered, *, joblib: bool = True) -> Stream:
        """Walk one stream; ``joblib``: BUILD on a joblib array wrapper reads the array that
        follows, as joblib's NumpyUnpickler does (a nested object stream is a plain pickle)."""
        self.report.streams += 1
        if self.report.streams > self.limits.max_streams:
            raise Exhausted(f"more than {self.limits.max_streams} pickle streams in this file; the rest were not "
                            "analysed", cls="limit:streams")
        r.start_tee(self.limits.fickling_max_bytes)
        start, inline_before = r.tell(), self.inline
        walker = opcodes.Walker(r, self.limits)
        walker.after_build = self._joblib if joblib else None
        try:
            stream = walker.walk()
        except Unreadable as exc:
            r.stop_tee()
            # What was decoded before the break still counts: pickle.load runs a payload
            # before it reaches a broken opcode (GHSA-9gvj-pp9x-gcfr).
            self._record(walker.out)
            raise Unreadable(exc.reason, exc.offset if exc.offset is not None else start) from None
        data = r.stop_tee()
        self._record(stream)
        # joblib inlines raw array bytes in the stream, which no pickle decoder (fickling's
        # included) can step over; hflint's own walk above skips them by the wrapper's size.
        # The second opinion runs when a security rule asks for it (second_opinion.vet), on
        # these same bytes: a weights rule reading tensor names needs only the walk above.
        if data is not None and self.inline == inline_before:
            ours = {(i.module, i.name) for i in stream.imports}
            ours |= {tuple(i.raw.rsplit(".", 1)) for i in stream.imports if i.raw}  # type: ignore[misc]
            self.report.pending.append(Pending(self.chain, stream.start, frozenset(ours), data))
            self.report.pending_bytes += len(data)
            if self.report.pending_bytes > self.limits.fickling_max_bytes:  # bound what is kept
                second_opinion.vet(self.report, self.limits)
        return stream

    def _record(self, stream: Stream) -> None:
        hits, chain = self.report.hits, self.chain
        uses = {key: frozenset(roles) for key, roles in stream.uses.items()}
        none: frozenset[str] = frozenset()
        for imp in stream.imports:
            hits.append(Hit(chain, imp, "opcodes", uses.get((imp.module, imp.name), none)))
            if not self.report.tensors and (imp.module == "torch" or imp.module.startswith("torch.")):
                self.report.tensors = "Storage" in imp.name or "_rebuild" in imp.name
        for reason, offset in stream.problems:
            self.report.add_problem(pointer(self.chain, offset), reason)
        self.report.unresolved += stream.unresolved

    # -- joblib -------------------------------------------------------------------------
    def _joblib(self, obj: Obj, r: Buffered) -> None:
        cls = obj.cls
        if not isinstance(cls, GlobalRef) or f"{cls.module}.{cls.name}" not in JOBLIB_WRAPPERS:
            return
        self.report.kinds.add("joblib")
        self.inline += 1
        state = _wrapper_state(obj, id(obj) in self._wrappers, r.tell())
        self._wrappers[id(obj)] = obj
        shape = state.get("shape")
        if not isinstance(shape, tuple) or not all(isinstance(n, int) and n >= 0 for n in shape):
            raise Unreadable("joblib array wrapper whose shape cannot be read statically", r.tell())
        try:
            layout = dtypes.layout(state.get("dtype"))
        except Unreadable as exc:
            raise Unreadable(f"joblib array: {exc.reason}", r.tell()) from None
        if layout.hasobject:
            # read_array: a nested stream, no padding; read_mmap (allow_mmap and joblib.load's
            # mmap_mode) would read raw bytes instead, so a wrapper allowing both is refused.
            if state.get("allow_mmap", False) not in (False, 0):
                raise Unreadable("joblib object array that allows memory mapping: what follows it depends on "
                                 "joblib.load's mmap_mode", r.tell())
            self.one(r, joblib=False)
            return
        align = state.get("numpy_array_alignment_bytes")
        if not literal(align):
            raise Unreadable("joblib array alignment cannot be read statically", r.tell())
        if align is not None:  # joblib >= 1.2: one byte with the padding length, then the padding
            pad = r.read(1)
            if len(pad) != 1 or r.skip(pad[0]) != pad[0]:
                raise Unreadable("joblib array padding is truncated", r.tell())
        if layout.itemsize == 0:
            raise Unreadable("joblib array dtype has no item size", r.tell())
        count = 1
        for n in shape:
            count *= n
        nbytes = count * layout.itemsize
        if r.skip(nbytes) != nbytes:
            raise Unreadable("joblib array data is truncated", r.tell())


def _wrapper_state(obj: Obj, again: bool, at: int) -> SymDict:
    """The attributes joblib reads from a NumpyArrayWrapper: joblib writes it with NEWOBJ and
    no arguments, then one BUILD with a plain dict; anything else is refused."""
    if again:
        raise Unreadable("joblib array wrapper built twice: its attributes cannot be derived", at)
    if obj.args != ():
        raise Unreadable("joblib array wrapper made with constructor arguments: its attributes cannot be derived",
                         at)
    if not isinstance(obj.state, SymDict) or obj.state.unmodelled:
        raise Unreadable("joblib array wrapper whose state is not a plain dict", at)
    return obj.state


def raw_sequence(runner: StreamRunner, r: Buffered) -> None:
    """A file or member that starts with a pickle: one stream, or legacy torch's five."""
    first = runner.one(r)
    if first.result == LEGACY_MAGIC and not first.imports:
        runner.report.kinds.add("torch-legacy")
        runner.one(r)  # protocol version
        runner.one(r)  # sys_info
        runner.loaded = runner.one(r).result  # the object
        runner.one(r)  # storage keys
        runner.report.tensors = True
        return  # raw storage bytes follow; torch reads them without unpickling
    runner.loaded = first.result
    while not r.at_eof():
        at = r.tell()
        try:
            runner.one(r)
        except Unreadable as exc:
            raise Unreadable(f"data after STOP that is not a complete pickle ({exc.reason})", at) from None


def tar_storages(runner: StreamRunner, r: Buffered) -> None:
    """torch's legacy tar ``storages`` member: count, then (key, location, type) + raw data."""
    count = _int_result(runner.one(r), "storage count")
    for _ in range(count):
        args = runner.one(r).result
        kind = args[2] if isinstance(args, tuple) and len(args) == 3 else None
        size = STORAGE_BYTES.get(kind.name) if isinstance(kind, GlobalRef) else None
        if size is None:
            raise Unreadable("legacy tar storage record with an unknown storage type", r.tell())
        head = r.read(8)
        if len(head) != 8:
            raise Unreadable("legacy tar storage data is truncated", r.tell())
        nbytes = struct.unpack("<q", head)[0] * size
        if nbytes < 0 or r.skip(nbytes) != nbytes:
            raise Unreadable("legacy tar storage data is truncated", r.tell())
    runner.one(r)  # storage views
    if not r.at_eof():
        raise Unreadable("data after the last storage record", r.tell())


def tar_tensors(runner: StreamRunner, r: Buffered) -> None:
    """torch's legacy tar ``tensors`` member: count, then (key, storage id, type) + geometry."""
    count = _int_result(runner.one(r), "tensor count")
    for _ in range(count):
        runner.one(r)
        head = r.read(8)
        if len(head) != 8:
            raise Unreadable("legacy tar tensor record is truncated", r.tell())
        ndim = struct.unpack("<i", head[:4])[0]
        need = 16 * ndim + 8
        if ndim < 0 or r.skip(need) != need:
            raise Unreadable("legacy tar tensor record is truncated", r.tell())
    if not r.at_eof():
        raise Unreadable("data after the last tensor record", r.tell())


def _int_result(stream: Stream, what: str) -> int:
    value: Any = stream.result
    if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value is OPAQUE:
        raise Unreadable(f"legacy tar {what} is not a count")
    return value
