"""Argument checks and progress output shared by the sub-commands."""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from pathlib import Path

from engine.atomic import cannot_write_in
from engine.errors import InvalidInput
from engine.model.fields import MAX_TEXT_CHARS
from engine.model.story import MAX_DURATION_S
from engine.planning.validate import MIN_EVENT_S

MIN_DURATION_S = MIN_EVENT_S  # a story has room for at least one event
# what must never reach a terminal from text the user did not type (a server's answer, a
# story file): C0/C1 controls (escape sequences), DEL, bidirectional overrides, lone surrogates
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: object) -> str:
    """`text` as one line safe to print: controls and escape sequences become spaces."""
    return _UNPRINTABLE.sub(" ", str(text))


def printable_json(data: object) -> str:
    """JSON for stdout with every character a terminal could act on written as `\\uXXXX`
    (json.dumps escapes the C0 controls itself): the data stays exactly what it was."""
    text = json.dumps(data, indent=1, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def duration_arg(text: str) -> float:
    """argparse type for --duration: seconds, positive and at most MAX_DURATION_S."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value < MIN_DURATION_S:
        raise argparse.ArgumentTypeError(
            f"{text} s is shorter than the minimum of {MIN_DURATION_S:g} s (the shortest event "
            "a story can hold)")
    if value > MAX_DURATION_S:
        raise argparse.ArgumentTypeError(
            f"{text} s is longer than the maximum of {MAX_DURATION_S} s; split the story")
    return value


def seed_arg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value < 2 ** 31:
        raise argparse.ArgumentTypeError(f"{value} is outside 0 .. 2147483647")
    return value


def check_prompt(prompt: str | None) -> str:
    text = (prompt or "").strip()
    if not text:
        raise InvalidInput('the prompt is empty; describe the story, e.g. "rain on a tin roof '
                           'as a train passes".')
    try:  # bytes that are not UTF-8 arrive as lone surrogates (Python's surrogateescape)
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput("the prompt holds bytes that are not UTF-8 text; write it in UTF-8 "
                           "(check the terminal's or the script's encoding).") from None
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(f"the prompt is {len(text):,} characters long; a story prompt can "
                           f"be at most {MAX_TEXT_CHARS:,}.")
    return text


def check_output_file(path: Path, force: bool, suffixes: tuple[str, ...] = (".wav",)) -> Path:
    """Fail before any long work if the output cannot or should not be written."""
    if path.suffix.lower() not in suffixes:
        raise InvalidInput(f"{path}: the output must end in {' or '.join(suffixes)}.")
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give a file name such as {path / 'story.wav'}.")
    if path.exists() and not force:
        raise InvalidInput(f"{path} already exists; pass --force to overwrite it.")
    folder = path.parent
    if not folder.is_dir():
        raise InvalidInput(f"{folder}: no such folder for the output; create it first.")
    reason = cannot_write_in(folder)
    if reason:
        raise InvalidInput(f"{folder}: cannot write there ({reason}); choose another "
                           "output path.")
    return path


class StderrProgress:
    """Prints each new progress message on stderr, at most a few lines a second."""

    def __init__(self, quiet: bool, stage: str = "") -> None:
        self.quiet = quiet
        self.stage_name = stage
        self._last_message = ""
        self._last_time = 0.0

    def stage(self, name: str) -> StderrProgress:
        return StderrProgress(self.quiet, name)

    def __call__(self, fraction: float, message: str) -> None:
        if self.quiet or message == self._last_message:
            return
        now = time.monotonic()
        if fraction < 1.0 and now - self._last_time < 0.1:
            return
        self._last_message, self._last_time = message, now
        prefix = f"{self.stage_name}: " if self.stage_name else ""
        print(printable(f"[{fraction * 100:3.0f}%] {prefix}{message}"), file=sys.stderr,
              flush=True)

    def note(self, message: str) -> None:
        if not self.quiet:
            print(printable(message), file=sys.stderr, flush=True)
