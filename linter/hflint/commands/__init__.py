"""The subcommands: one module each, registered in one explicit table.

A command module has DESCRIPTION, EPILOG, ``configure(parser)`` and ``run(args) -> int``;
its one-line help is here, so that ``hflint --help`` lists every command while importing
none of them. The CLI imports only the module of the command being run.
"""

from __future__ import annotations

import argparse
from importlib import import_module
from typing import TYPE_CHECKING, NamedTuple, Protocol, cast


class Command(Protocol):
    @property
    def DESCRIPTION(self) -> str: ...

    @property
    def EPILOG(self) -> str: ...

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


class Entry(NamedTuple):
    module: str
    help: str


COMMANDS: dict[str, Entry] = {
    "scan": Entry("hflint.commands.scan", "scan model repository folders"),
    "fix": Entry("hflint.commands.fix", "apply the fixes rules propose (--diff shows them), then report the rest"),
    "rules": Entry("hflint.commands.rules", "list rules, show one rule's docs, or check rule packs"),
    "baseline": Entry("hflint.commands.baseline", "record current findings in a baseline, or drop fixed ones from it"),
    "review": Entry("hflint.commands.review", "record reviews of custom code (HF501/HF502), or list what needs one"),
}


def load_command(name: str) -> Command:
    return cast(Command, import_module(COMMANDS[name].module))


if TYPE_CHECKING:  # mypy checks that every command module satisfies the Command protocol
    from hflint.commands import baseline, fix, review, rules, scan

    _CONFORMING: tuple[Command, ...] = (scan, fix, rules, baseline, review)
