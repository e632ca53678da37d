#!/usr/bin/env python3
"""AudioStory Studio. With no command, opens the editor; with a command, works headless.

    python main.py [PROJECT.story]       # the editor (optionally opening a project)
    python main.py plan "PROMPT" ...     # print a plan
    python main.py render "PROMPT" -o OUT.wav [--project DIR]
    python main.py screenshot OUT.png    # the editor with a demo story, rendered offscreen
    python main.py --help
"""
from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if getattr(sys, "frozen", False):  # the desktop build: torch and co. come from the AI pack
        from engine import ai_pack

        if argv[:1] == [ai_pack.PIP_ENTRY]:
            return ai_pack.run_pip(argv[1:])
        ai_pack.activate()
    if not argv or (len(argv) == 1 and argv[0].rstrip("/").endswith(".story")):
        return open_editor(argv[0] if argv else None)
    from app.cli import APP_COMMANDS
    from engine.cli import main as run_command

    return run_command(argv, APP_COMMANDS)


def open_editor(project: str | None) -> int:
    if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
            or os.environ.get("QT_QPA_PLATFORM")):
        print("error: no display to open the editor on. Run it on a desktop, or use the "
              "headless commands: python main.py --help", file=sys.stderr)
        return 1
    from app.application import run

    return run(project)


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # batch worker processes of the frozen app
    sys.exit(main())
