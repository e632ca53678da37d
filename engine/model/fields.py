"""The bounds of what a story accepts, and the field types that enforce them.

A story file can come from anywhere (an old version, another tool, a damaged disk, an
attacker), and so can a plan (an LLM's answer). Every value is bounded here, once, so that
nothing past the model has to guess: ids are safe in file names, numbers are finite and in
range, text is valid Unicode of a bounded length, free-form settings are shallow and small.
"""
from __future__ import annotations

import json
import math
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints

DEFAULT_SAMPLE_RATE = 48_000
MIN_SAMPLE_RATE = 8_000
MAX_SAMPLE_RATE = 192_000
REGION_CROSSFADE_S = 0.05  # equal-power crossfade at each edge of a regenerated region
MAX_DURATION_S = 2 * 3600  # two hours: a feature-length story; longer work is split in parts
MAX_SAMPLES = MAX_DURATION_S * MAX_SAMPLE_RATE
MAX_EVENTS = 5_000   # a story the timeline shows and a render finishes (1,000 is benchmarked)
MAX_TRACKS = 256
MAX_SCENES = 500
MAX_TAKES = 500      # per event
MAX_SEED = 2 ** 63 - 1
MAX_ID_CHARS = 64
MAX_NAME_CHARS = 200      # titles, names, speakers, labels
MAX_CAPTION_CHARS = 1_000  # a caption is about 25 words; the planner cuts longer ones
MAX_TEXT_CHARS = 100_000   # the story prompt, a narrator's text
MAX_CUES = 32
MAX_SETTINGS_DEPTH = 8     # generator settings are a flat form; a little nesting is allowed
MAX_SETTINGS_CHARS = 100_000
ID_PATTERN = r"^[A-Za-z0-9_-]+$"  # safe in a file name on every platform


def _valid_unicode(text: str) -> str:
    """Refuse lone surrogates: JSON can carry them (`"\\ud800"`), UTF-8 files cannot."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text holds an invalid character (a lone surrogate)") from None
    return text


def _bounded_settings(value: dict[str, Any]) -> dict[str, Any]:
    """Free-form settings stay JSON-shaped, shallow and small, so every save succeeds."""
    def depth(node: Any, level: int) -> None:
        if level > MAX_SETTINGS_DEPTH:
            raise ValueError(f"settings are nested deeper than {MAX_SETTINGS_DEPTH} levels")
        if isinstance(node, dict):
            for key, item in node.items():
                _valid_unicode(str(key))
                depth(item, level + 1)
        elif isinstance(node, list):
            for item in node:
                depth(item, level + 1)
        elif isinstance(node, str):
            _valid_unicode(node)
        elif isinstance(node, float) and not math.isfinite(node):
            raise ValueError("settings hold a number that is not finite")

    depth(value, 1)
    size = len(json.dumps(value, default=str))
    if size > MAX_SETTINGS_CHARS:
        raise ValueError(f"settings are {size:,} characters long; at most "
                         f"{MAX_SETTINGS_CHARS:,} are kept")
    return value


Id = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID_CHARS,
                                      pattern=ID_PATTERN)]
Name = Annotated[str, StringConstraints(max_length=MAX_NAME_CHARS),
                 AfterValidator(_valid_unicode)]
Caption = Annotated[str, StringConstraints(min_length=1, max_length=MAX_CAPTION_CHARS),
                    AfterValidator(_valid_unicode)]
LongText = Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS),
                     AfterValidator(_valid_unicode)]
Samples = Annotated[int, Field(ge=0, le=MAX_SAMPLES)]
Seed = Annotated[int, Field(ge=0, le=MAX_SEED)]
GainDb = Annotated[float, Field(ge=-96.0, le=24.0)]
Pan = Annotated[float, Field(ge=-1.0, le=1.0, description="-1 left, 0 centre, +1 right")]
Cues = Annotated[dict[Name, Name], Field(max_length=MAX_CUES)]
Settings = Annotated[dict[str, Any], AfterValidator(_bounded_settings)]
