#!/usr/bin/env python3
"""AudioStory Studio. With no arguments, opens the editor; with a command, works headless.

    python main.py                       # the editor
    python main.py plan "PROMPT" ...     # print a plan
    python main.py render "PROMPT" -o OUT.wav [--project DIR]
    python main.py --help
"""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from engine.commands import main as run_command

    argv = sys.argv[1:] if argv is None else argv
    return run_command(argv)


if __name__ == "__main__":
    sys.exit(main())
