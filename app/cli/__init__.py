"""The command line: the same services as the GUI, for scheduled tasks, tests and benchmarks.

Exit 0 on success; 2 on bad input or an unusable database, with one line on stderr and no
traceback. Each sub-command lives in a module of this package with a `register(sub)` function.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app import __version__
from app.cli import debtors as debtors_cmds
from app.cli import setup as setup_cmds
from app.errors import UserError

COMMAND_MODULES = [setup_cmds, debtors_cmds]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="collecta",
        description="Collecta: accounts-receivable collection. Without a command, opens the app.",
    )
    parser.add_argument("--db", metavar="URL", help="database URL (default: COLLECTA_DB or the "
                        "SQLite file in the user data folder)")
    parser.add_argument("--smoke", action="store_true",
                        help="open the main window offscreen, load the worklist, quit (status 0)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        args = parser.parse_args(args_list)
        if args.command is None:
            from app.views.app import run_gui

            return run_gui(db_url=args.db, smoke=args.smoke)
        result: int = args.handler(args)
        return result
    except UserError as exc:
        print(f"collecta: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("collecta: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def version_text() -> str:
    return f"Collecta {__version__}"
