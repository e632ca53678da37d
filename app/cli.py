"""Sub-commands that need the GUI toolkit. Qt is imported only when one of them runs."""
from __future__ import annotations

import argparse
from pathlib import Path

from engine.errors import InvalidInput


class Screenshot:
    """`screenshot OUT.png`: the editor with a rendered demo story, drawn offscreen."""

    @staticmethod
    def register(commands) -> None:
        parser = commands.add_parser(
            "screenshot", help="save a picture of the editor with a demo story",
            description="Render the main window with a demo story offscreen and save a PNG.")
        parser.add_argument("output", type=Path, metavar="OUT.png")
        parser.add_argument("--size", default="1280x800", help="window size (default 1280x800)")
        parser.add_argument("--scale", type=float, default=1.0,
                            help="device pixel ratio, e.g. 2 for a HiDPI screen")
        parser.add_argument("--prompt", default=None, help="the demo narrative")
        parser.set_defaults(run=Screenshot.run)

    @staticmethod
    def run(args: argparse.Namespace) -> int:
        if args.output.suffix.lower() != ".png":
            raise InvalidInput(f"{args.output}: the screenshot is a PNG; name it OUT.png.")
        try:
            width, height = (int(v) for v in args.size.lower().split("x"))
        except ValueError:
            raise InvalidInput(f"--size {args.size!r}: use WIDTHxHEIGHT, e.g. 1280x800.") from None
        if not 0.5 <= args.scale <= 4:
            raise InvalidInput("--scale must be between 0.5 and 4.")
        from app.screenshot import take_screenshot

        take_screenshot(args.output, (width, height), args.scale, args.prompt)
        print(f"wrote {args.output}")
        return 0


APP_COMMANDS = (Screenshot,)
