"""The command line: the same services as the GUI, for scheduled tasks, tests and benchmarks.

Exit 0 on success; 2 on bad input or an unusable database, with one line on stderr and no
traceback. Each sub-command lives in a module of this package with a `register(sub)` function.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from app import __version__
from app.db import failure_while_running
from app.errors import UserError

# Imported only when a command is given, so that opening the app does not pay for pandas & co.
COMMAND_MODULES = ["setup", "debtors", "reports", "snapshot", "campaign", "ledger", "rules",
                   "dispatch", "channels", "smtp", "users", "company", "contacts"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        where = self.prog.removeprefix("collecta").strip()  # main() prints "collecta: "
        raise UserError(f"{where}: {message}" if where else message)


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help="database URL (default: COLLECTA_DB or the "
                        "SQLite file in the user data folder)")
    parser.add_argument("--smoke", action="store_true",
                        help="open the main window offscreen, load the worklist, quit (status 0)")


def _wants_gui(args_list: list[str]) -> argparse.Namespace | None:
    """The global options when no command is given (the GUI), else None."""
    light = _Parser(prog="collecta", add_help=False)
    _global_options(light)
    known, rest = light.parse_known_args(args_list)
    return None if rest else known


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="collecta",
        description="Collecta: accounts-receivable collection. Without a command, opens the app.",
    )
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"app.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        gui = _wants_gui(args_list) if "-h" not in args_list and "--help" not in args_list else None
        if gui is not None:
            from app.views.app import run_gui

            return run_gui(db_url=gui.db, smoke=gui.smoke)
        args = build_parser().parse_args(args_list)
        if args.command is None:  # only options after all, e.g. `collecta --db URL --smoke`
            from app.views.app import run_gui

            return run_gui(db_url=args.db, smoke=args.smoke)
        result: int = args.handler(args)
        return result
    except UserError as exc:
        print(f"collecta: {exc}", file=sys.stderr)
        return 2
    except DBAPIError as exc:  # damaged file, disk full, server gone mid-command; bugs re-raise
        failure = failure_while_running(exc)
        if failure is None:
            raise
        print(f"collecta: {failure}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("collecta: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def version_text() -> str:
    return f"Collecta {__version__}"
