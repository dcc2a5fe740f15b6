"""The subcommands: one module each, registered in one explicit table.

A command module has HELP, DESCRIPTION, EPILOG, ``configure(parser)`` and
``run(args) -> int``. Modules import heavy libraries inside ``run`` only, so building the
parser (and ``hflint --version``) stays fast.
"""

from __future__ import annotations

import argparse
from typing import Protocol

from hflint.commands import baseline, review, rules, scan


class Command(Protocol):
    @property
    def HELP(self) -> str: ...

    @property
    def DESCRIPTION(self) -> str: ...

    @property
    def EPILOG(self) -> str: ...

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


COMMANDS: dict[str, Command] = {
    "scan": scan,
    "rules": rules,
    "baseline": baseline,
    "review": review,
}
