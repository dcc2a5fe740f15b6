"""Find every pickle stream in a file: dispatch on content format, recurse into archives.

Each handler reads only what a loader would unpickle: a zip's central directory and its
pickle members (not torch's storage members), an npy header and the pickle after it for
object arrays, tar headers and their pickle members, decompressed streams lazily. Nesting
is bounded (``max_depth``); anything hflint cannot open is a Problem (HF403). Members are
identified by content with hflint.identify, like files.
"""

from __future__ import annotations

import contextlib
import io
import re
import struct
import zlib
from typing import Any

from hflint import identify as fmt
from hflint.pickles import streams, zipread
from hflint.pickles.buffered import Buffered
from hflint.pickles.readers import Budget, BytesReader, Inflater, LimitHit, Unreadable, Window
from hflint.pickles.report import FileReport, Problem, pointer
from hflint.pickles.sources import MemberProbe, Source, WindowFile, rewound

# Members torch reads as raw bytes, never unpickled (compiled on first use: start-up matters)
TORCH_DATA = (r"^(?:[^/]+/)?(?:data/\d+|\.data/.*|byteorder|version|\.format_version|"
              r"\.storage_alignment|serialization_id)$")
MAX_NESTED_IN_MEMORY = 256 << 20


class Analyser:
    """Analyses one file into ``report``; ``loaded`` keeps the object a loader would get
    from the file itself and from a torch zip's ``<archive>/data.pkl`` (the state dict)."""

    def __init__(self, report: FileReport, budget: Budget, archive: zipread.Archive | None = None) -> None:
        self.report, self.budget, self.limits = report, budget, budget.limits
        self.archive = archive  # the file's zip directory, when identification already read it
        self.loaded: dict[str, Any] = {}
        self.digests: dict[str, tuple[int, int]] = {}  # member -> (CRC-32, size) of what the walk read
        self.torch_objects: list[str] = []  # "<archive>/data.pkl" members of the file's zip

    def problem(self, chain: str, reason: str, offset: int | None = None) -> None:
        self.report.problems.append(Problem(pointer(chain, offset), reason))

    def source(self, src: Source, chain: str, depth: int, kind: str | None, head: bytes) -> None:
        """Analyse content whose format is ``kind`` (identified from ``head``); src is at 0."""
        if depth > self.limits.max_depth:
            raise LimitHit(f"archives nested deeper than {self.limits.max_depth}")
        try:
            self._dispatch(src, chain, depth, kind, head)
        except Unreadable as exc:
            self.problem(chain, exc.reason, exc.offset)

    def _dispatch(self, src: Source, chain: str, depth: int, kind: str | None, head: bytes) -> None:
        if kind == fmt.PICKLE or kind is None:
            runner = streams.StreamRunner(self.report, self.limits, chain)
            reader = Buffered(src)
            try:
                streams.raw_sequence(runner, reader)
            finally:
                if runner.loaded is not streams.NOTHING and (chain == "" or chain in self.torch_objects):
                    self.loaded[chain] = runner.loaded
            if (digest := reader.digest()) is not None:
                self.digests[chain] = digest
        elif kind == fmt.ZIP:
            self._zip(self._seekable(src), chain, depth)
        elif kind == fmt.NPY:
            self._npy(Buffered(src), chain)
        elif kind == fmt.TAR:
            self._tar(self._seekable(src), chain, depth)
        elif kind in fmt.COMPRESSED:
            if not isinstance(src, Window):
                src = self._seekable(src)
            inner = Inflater(src, fmt.COMPRESSED[kind], self.budget)
            self.nested(inner, f"{chain}!{fmt.COMPRESSED[kind]}" if chain else fmt.COMPRESSED[kind], depth + 1)
        elif kind in fmt.UNSUPPORTED:
            raise Unreadable(f"{fmt.UNSUPPORTED[kind]}: hflint cannot look inside this compression")

    def nested(self, src: Source, chain: str, depth: int, *, pickle_name: bool = False) -> bool:
        """Content inside an archive: identify it, recurse when it can hold pickles."""
        probe = MemberProbe(src, self.budget, fmt.HEAD)
        identity = fmt.identify(probe.data, probe.size, probe)
        kind, head = identity.format, probe.data[: fmt.HEAD]
        if kind is None and not pickle_name and not (fmt.maybe_headerless_pickle(head) and self.probe(head)):
            return False
        if kind is not None and kind not in fmt.PICKLE_CAPABLE:
            if pickle_name:
                self.problem(chain, f"a .pkl member holds {kind} content")
            return False
        self.source(rewound(src, probe.data), chain, depth, kind, head)
        return True

    def probe(self, head: bytes) -> bool:
        """Does headerless content start like a protocol 0/1 pickle that imports something?"""
        probe = FileReport()
        runner = streams.StreamRunner(probe, self.limits, "")
        with contextlib.suppress(Unreadable):  # a broken prefix still shows its imports
            runner.one(Buffered(BytesReader(head)))
        return probe.imports_code

    def _seekable(self, src: Source) -> Window:
        if isinstance(src, Window):
            src.seek(0)
            return src
        data = src.read(MAX_NESTED_IN_MEMORY + 1)
        if len(data) > MAX_NESTED_IN_MEMORY:
            raise LimitHit("nested archive larger than 256 MiB inside a compressed stream")
        return Window(io.BytesIO(data), 0, len(data), self.budget)

    # -- formats ------------------------------------------------------------------------
    def _zip(self, win: Window, chain: str, depth: int) -> None:
        archive = self.archive if chain == "" and self.archive else zipread.read_directory(win, self.budget)
        for reason in archive.problems:
            self.problem(chain, reason)
        names = [m.name for m in archive.members]
        if chain == "":  # torch.load reads "<archive>/data.pkl" (torch/serialization.py _load)
            self.torch_objects = [n for n in names if _torch_object(n)]
        torch = any(n == "data.pkl" or _torch_object(n) for n in names)
        if torch:
            script = any(n.endswith("constants.pkl") for n in names)
            self.report.kinds.add("torchscript" if script else "torch-zip")
            self.report.tensors = True
        for m in archive.members:
            if m.name.endswith("/") or (torch and re.match(TORCH_DATA, m.name)):
                continue
            where = f"{chain}!{m.name}" if chain else m.name
            try:
                body, problems = zipread.open_member(win, m, self.budget)
                for reason in problems:
                    self.problem(where, reason)
                is_pkl = m.name.endswith(("pkl", ".pickle"))
                if self.nested(body, where, depth + 1, pickle_name=is_pkl):
                    self._check_crc(win, m, where, self.digests.pop(where, None))
            except Unreadable as exc:
                self.problem(where, exc.reason, exc.offset)

    def _check_crc(self, win: Window, m: zipread.Member, where: str, digest: tuple[int, int] | None) -> None:
        """The member's CRC and size against its directory entry; ``digest`` is what the
        walk computed while reading all of it, else the member is read again."""
        if m.flags & 0x0001:
            return  # "encrypted" member: its CRC is of the plaintext, already reported
        if digest is None:
            body, _ = zipread.open_member(win, m, self.budget)
            crc, size = 0, 0
            while chunk := body.read(1 << 20):
                crc = zlib.crc32(chunk, crc)
                size += len(chunk)
        else:
            crc, size = digest
        if crc != m.crc:
            self.problem(where, f"CRC mismatch (stored {m.crc:08x}, content {crc:08x}): "
                                "loaders that skip the check still read it")
        if size != m.usize:
            self.problem(where, f"member is {size} bytes, central directory says {m.usize}")

    def _npy(self, r: Buffered, chain: str) -> None:
        # NEP 1 / numpy.lib.format: magic, version, header length (2 or 4 bytes), dict header.
        pre = r.read(8)
        major = pre[6] if len(pre) == 8 else 0
        if major not in (1, 2, 3):
            raise Unreadable("npy header with an unknown version")
        size_fmt = "<H" if major == 1 else "<I"
        raw_len = r.read(struct.calcsize(size_fmt))
        (hlen,) = struct.unpack(size_fmt, raw_len) if len(raw_len) == struct.calcsize(size_fmt) else (-1,)
        header = r.read(hlen) if 0 <= hlen <= 1 << 20 else b""
        try:
            import ast  # lazy, as tarfile below: most files hold neither npy nor tar

            meta = ast.literal_eval(header.decode("latin-1"))
            descr = meta["descr"]
        except (ValueError, SyntaxError, KeyError, TypeError, MemoryError, RecursionError):
            raise Unreadable("npy header does not parse") from None
        self.report.kinds.add("npy")
        if "O" in repr(descr):  # object arrays are pickled after the header
            self.report.kinds.add("npy-object")
            streams.raw_sequence(streams.StreamRunner(self.report, self.limits, chain), r)

    def _tar(self, win: Window, chain: str, depth: int) -> None:
        import tarfile

        fh = WindowFile(win)
        try:
            with tarfile.open(fileobj=fh, mode="r:") as tar:  # headers only; nothing extracted
                members = [t for t in tar if t.isfile()]
        except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
            raise Unreadable(f"tar archive does not parse: {exc}") from None
        names = {t.name for t in members}
        legacy = {"storages", "tensors", "pickle"} <= names
        if legacy:
            self.report.kinds.add("torch-tar")
            self.report.tensors = True
        for t in members[: self.limits.max_members]:
            where = f"{chain}!{t.name}" if chain else t.name
            body = win.sub(t.offset_data, t.size)
            runner = streams.StreamRunner(self.report, self.limits, where)
            try:
                if legacy and t.name == "storages":
                    streams.tar_storages(runner, Buffered(body))
                elif legacy and t.name == "tensors":
                    streams.tar_tensors(runner, Buffered(body))
                else:
                    self.nested(body, where, depth + 1, pickle_name=legacy and t.name in ("pickle", "sys_info"))
            except Unreadable as exc:
                self.problem(where, exc.reason, exc.offset)


def _torch_object(name: str) -> bool:
    """``<archive>/data.pkl``: the member holding the object torch.save pickled."""
    folder, _, rest = name.partition("/")
    return bool(folder) and rest == "data.pkl"
