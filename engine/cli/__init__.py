"""The command line: `python main.py COMMAND ...` for work without a screen.

Exit codes: 0 done; 1 the work failed (a render, a damaged project, a full disk);
2 the input was unusable (prompt, option, duration, output path); 130 cancelled.
Errors are one line on stderr; unexpected failures also write a traceback to the log file.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from pathlib import Path

from engine import __version__
from engine.cli import batch, library, models, plan, regenerate, render, sound, train
from engine.errors import Cancelled, InvalidInput, StudioError
from engine.logs import log_file, log_to_file

LOG_NAME = "cli.log"
COMMANDS = (plan, render, regenerate, sound, batch, library, models, train)


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block
        raise UsageError(message)


def build_parser(extra_commands=()) -> argparse.ArgumentParser:
    parser = _Parser(prog="main.py", description="AudioStory Studio: narrative to multi-track "
                     "audio. With no command, opens the editor.")
    parser.add_argument("--version", action="version", version=f"AudioStory Studio {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in (*COMMANDS, *extra_commands):
        module.register(commands)
    return parser


def main(argv: list[str] | None = None, extra_commands=()) -> int:
    """Run one command; `extra_commands` are modules from outside the engine (the GUI's)."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(extra_commands)
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        return _fail(f"{exc} (see `main.py --help`)", 2)
    if args.command is None:
        parser.print_help()
        return 0
    log_to_file(LOG_NAME)
    try:
        return args.run(args)
    except InvalidInput as exc:
        return _fail(str(exc), 2)
    except StudioError as exc:
        return _fail(str(exc), 1)
    except (Cancelled, KeyboardInterrupt):
        return _fail("cancelled", 130)
    except BrokenPipeError:  # `main.py ... | head` closed the pipe: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except MemoryError:
        return _fail("out of memory; try a shorter --duration", 1)
    except Exception as exc:  # a bug: one line for the user, the traceback in the log
        log_file = _write_crash_log()
        return _fail(f"internal error ({type(exc).__name__}: {exc}); details in {log_file}", 1)


def _fail(message: str, code: int) -> int:
    from engine.cli.common import printable

    print(f"error: {printable(message)}", file=sys.stderr)
    return code


def _write_crash_log() -> Path:
    logging.getLogger("engine").error("unexpected failure\n%s", traceback.format_exc())
    return log_file(LOG_NAME)
