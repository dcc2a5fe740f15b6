"""Find every pickle stream in a file: dispatch on content format, recurse into archives.

Each handler reads only what a loader would unpickle: a zip's central directory and its
pickle members (not torch's storage members), an npy header and the pickle after it for
object arrays, tar headers and their pickle members, decompressed streams lazily. Members
are identified by content with hflint.identify, like files; the archive walks themselves
are hflint.pickles.archivewalk. Everything is bounded per file by the Budget (bytes,
members, declared sizes, nesting depth, wall-clock time): anything hflint cannot open is a
Problem (HF403), and a bound of the whole file ends the walk where it was reached.
"""

from __future__ import annotations

import contextlib
import struct
import tempfile
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO, cast

from hflint import identify as fmt
from hflint.archives import members
from hflint.pickles import archivewalk, opcodes, streams, zipread
from hflint.pickles.buffered import Buffered
from hflint.pickles.readers import Budget, BytesReader, Exhausted, Inflater, LimitHit, Unreadable, Window
from hflint.pickles.report import FileReport, Problem, imports_code, pointer
from hflint.pickles.sources import MemberProbe, Source, rewound

MAX_NESTED_SPOOLED = 256 << 20  # a member copied out of a stream so that it can be read from its end


class Analyser:
    """Analyses one file into ``report``; ``loaded`` keeps the object a loader would get
    from the file itself and from a torch zip's ``<archive>/data.pkl`` (the state dict)."""

    def __init__(self, report: FileReport, budget: Budget, archive: zipread.Archive | None = None) -> None:
        self.report, self.budget, self.limits = report, budget, budget.limits
        self.archive = archive  # the file's zip directory, when identification already read it
        self.loaded: dict[str, Any] = {}
        self.digests: dict[str, tuple[int, int]] = {}  # member -> (CRC-32, size) of what the walk read
        self.torch_objects: list[str] = []  # "<archive>/data.pkl" members of the file's zip

    def problem(self, chain: str, reason: str, offset: int | None = None, cls: str = "") -> None:
        self.report.add_problem(pointer(chain, offset), reason, cls)

    def issue(self, where: str, cls: str, reason: str) -> None:
        """Archive structure for the archive rules (grouped by class like problems)."""
        tally = self.report.archive
        if cls not in tally.counts and len(tally.counts) >= members.MAX_CLASSES:
            cls = "member:other:"
        tally.add(Problem(where, reason, cls))

    @contextlib.contextmanager
    def at(self, where: str, *, archive: bool = False) -> Iterator[None]:
        """Problems of one member are recorded at it; a bound of the whole file (Exhausted)
        is recorded once, where it was hit, and ends the walk, as does a broken ``archive``."""
        try:
            yield
        except Exhausted as exc:
            if not exc.recorded:
                exc.recorded = True
                self.problem(where, exc.reason, exc.offset, exc.cls)
                self.report.stopped = self.report.stopped or exc.reason
            raise
        except Unreadable as exc:
            self.problem(where, exc.reason, exc.offset, exc.cls)
            if archive:
                self.report.stopped = self.report.stopped or exc.reason

    def source(self, src: Source, chain: str, depth: int, kind: str | None, head: bytes) -> None:
        """Analyse content whose format is ``kind`` (identified from ``head``); src is at 0."""
        if depth > self.limits.max_depth:
            reason = f"archives nested deeper than {self.limits.max_depth} (limit max-nesting-depth)"
            self.report.stopped = self.report.stopped or reason
            raise LimitHit(reason, cls="limit:depth")
        with self.at(chain, archive=kind in (fmt.ZIP, fmt.TAR)):
            self._dispatch(src, chain, depth, kind, head)

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
            archivewalk.zip_members(self, self._seekable(src), chain, depth)
        elif kind == fmt.NPY:
            self._npy(Buffered(src), chain)
        elif kind == fmt.TAR:
            archivewalk.tar_members(self, src, chain, depth)
        elif kind in fmt.COMPRESSED:
            if not isinstance(src, Window):
                src = self._seekable(src)
            inner = Inflater(src, fmt.COMPRESSED[kind], self.budget)
            where = f"{chain}!{fmt.COMPRESSED[kind]}" if chain else fmt.COMPRESSED[kind]
            self.nested(inner, where, depth + 1, member=False)
        elif kind in fmt.UNSUPPORTED:
            raise Unreadable(f"{fmt.UNSUPPORTED[kind]}: hflint cannot look inside this compression")

    def nested(self, src: Source, chain: str, depth: int, *, pickle_name: bool = False, member: bool = True) -> bool:
        """Content inside an archive (a ``member``) or a compressed stream: identify it,
        record what it is, recurse when it can hold pickles."""
        base = members.basename(chain) if member else ""
        read = self._config(src, chain) if member and members.is_config(base) else b""
        probe = MemberProbe(src, self.budget, fmt.HEAD, read)
        identity = fmt.identify(probe.data, probe.size, probe)
        kind, head = identity.format, probe.data[: fmt.HEAD]
        if member:
            self.issue(chain, members.member_class(base, members.content_format(kind, head)), "")
        if kind is None and not pickle_name and not (fmt.maybe_headerless_pickle(head) and self.probe(head)):
            return False
        if kind is not None and kind not in fmt.PICKLE_CAPABLE:
            if pickle_name:
                self.problem(chain, f"a .pkl member holds {kind} content")
            return False
        self.source(rewound(src, probe.data), chain, depth, kind, head)
        return True

    def _config(self, src: Source, chain: str) -> bytes:
        """Keep a YAML member's bytes for the Hydra rules; what was read is replayed."""
        data = src.read(members.MAX_CONFIG_BYTES + 1)
        if len(self.report.configs) < members.MAX_CONFIGS:
            self.report.configs.append((chain, data))
        return data

    def probe(self, head: bytes, src: Source | None = None) -> bool:
        """Is headerless content a protocol 0/1 pickle that imports something? Given ``src``
        (the whole content, positioned at 0), the walk goes as far as the stream parses, not
        only over ``head``: pickle.load runs every opcode up to a break, so an import after
        the first bytes (a list of data, then a GLOBAL) counts as much as one in them. Text
        stops parsing within its first line; a stream that parses until a bound is a pickle
        (the full analysis then reports where it stopped: fail closed), and so is a stream
        that parses to its STOP (plain data: no rule reports it, and it is not text)."""
        walker = opcodes.Walker(Buffered(src if src is not None else BytesReader(head)), self.limits)
        try:
            walker.walk()
        except LimitHit:
            return True
        except Unreadable:  # a broken stream still shows the imports before the break
            stream = walker.out
        else:
            return src is not None  # the whole stream parsed to STOP: a pickle, imports or not
        return imports_code(stream.imports, stream.unresolved)

    def _seekable(self, src: Source) -> Window:
        """A seekable copy of a member read from a stream (a zip inside a gzip or a .tar.gz):
        spooled to a temporary file past 8 MiB, so memory stays bounded whatever its size."""
        if isinstance(src, Window):
            src.seek(0)
            return src
        spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - closed with the budget
        self.budget.spools.append(spool)
        chunk = src.read(1 << 20)
        while chunk and spool.tell() + len(chunk) <= MAX_NESTED_SPOOLED:
            spool.write(chunk)
            chunk = src.read(1 << 20)
        if chunk:
            raise LimitHit(f"nested archive larger than {MAX_NESTED_SPOOLED >> 20} MiB inside a compressed stream")
        return Window(cast(BinaryIO, spool), 0, spool.tell(), self.budget)

    # -- formats ------------------------------------------------------------------------
    def check_crc(self, win: Window, m: zipread.Member, where: str, digest: tuple[int, int] | None) -> None:
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
                                "loaders that skip the check still read it", cls="zip:crc")
        if size != m.usize:
            self.problem(where, f"member is {size} bytes, central directory says {m.usize}", cls="zip:size")

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
