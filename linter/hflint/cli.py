"""Command line entry point: ``hflint COMMAND``; the commands live in hflint.commands.

Exit codes (hflint.exitcodes): 0 clean, 1 findings at or above --fail-on, 2 usage, config
or rule-pack error, or an internal error.
"""

from __future__ import annotations

import os
import sys

from hflint import __version__, exitcodes

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2.5 ms); mypy knows the name

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence


def terminal_columns() -> int:
    """shutil.get_terminal_size().columns without importing shutil (and, through it, bz2,
    lzma and fnmatch: ~2 ms of every run), which argparse does to format help it may never
    print. Same order: $COLUMNS, the terminal, then 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _help_formatter() -> type[argparse.HelpFormatter]:
    import argparse

    class HelpFormatter(argparse.RawDescriptionHelpFormatter):
        """Descriptions and epilogs keep their line breaks (examples, exit codes)."""

        def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                     width: int | None = None) -> None:
            width = terminal_columns() - 2 if width is None else width
            super().__init__(prog, indent_increment, max_help_position, width)

    return HelpFormatter


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only ``command``'s own options are configured (imported), the other
    commands are listed with their help line, which is all ``hflint --help`` shows."""
    import argparse

    from hflint.commands import COMMANDS, load_command

    HelpFormatter = _help_formatter()
    parser = argparse.ArgumentParser(
        prog="hflint",
        description="Compliance and security linter for Hugging Face model repositories.",
        epilog="Run 'hflint COMMAND --help' for a command's options and examples.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"hflint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, entry in COMMANDS.items():
        if name != command:
            sub.add_parser(name, help=entry.help, formatter_class=HelpFormatter)
            continue
        module = load_command(name)
        module.configure(
            sub.add_parser(
                name,
                help=entry.help,
                description=module.DESCRIPTION,
                epilog=module.EPILOG,
                formatter_class=HelpFormatter,
            )
        )
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    # The top-level options (--version, --help) take no value, so the first word that is
    # not an option is the command.
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    # jsonschema imports rfc3987_syntax when it is installed (jsonschema[format-nongpl],
    # pulled in by e.g. Jupyter); it compiles a grammar at import and costs ~0.9 s, a
    # pre-commit run's whole budget, and serves only the "iri" formats, which hflint's
    # schemas do not use. The CLI process is ours, so it opts out; library users are unaffected.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    whole_process = argv is None
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv == ["--version"]:
        # What argparse would print, without importing it (argparse, re, enum and the command
        # table are two thirds of the start-up of a bare `hflint --version`).
        print(f"hflint {__version__}")
        return exitcodes.CLEAN
    if whole_process and argv[:1] == ["scan"] and not any(a.startswith("--no-c") for a in argv):
        # A repeat scan prints what the same run printed before when nothing it read changed
        # (hflint.replay), decided before argparse and the engine are imported. Only for a
        # process that is one command-line run: a caller of main(argv) in its own process
        # (tests, embedders) may have changed what the code does.
        from hflint import replay

        replayed = replay.lookup(argv)
        if replayed is not None:
            out, err, code = replayed
            sys.stdout.write(out)
            sys.stdout.flush()
            sys.stderr.write(err)
            return code
        return replay.record(argv, lambda: _run(argv))
    return _run(argv)


def _run(argv: list[str]) -> int:
    parser = build_parser(_command_of(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 for --help/--version
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return exitcodes.ERROR
    from hflint.commands import load_command

    try:
        return load_command(args.command).run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return exitcodes.ERROR
    except Exception as exc:  # the contract is exit 2 with a readable message, not a traceback
        print(f"hflint: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        if os.environ.get("HFLINT_DEBUG"):
            raise
        return exitcodes.ERROR


if __name__ == "__main__":
    raise SystemExit(main())
