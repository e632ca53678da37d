"""The versioned on-disk form of a story (`story.json`) and the upgrades between versions.

A file is an envelope `{"format", "schema_version", "saved_by", "story"}`. Files of an older
version are upgraded on load by a chain of functions, one per version step, so every old
file goes through the same tested path. History:

- v1, the first draft format: positions and lengths in float seconds (`start_s`,
  `duration_s`), an event names its track as `track`, takes record `duration_s` and no
  render key, and the story has no seed.
- v2: exact integer sample positions (`start`, `duration`, `offset`), `track_id`, takes with
  `frames` and `render_key`, a story seed.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from pydantic import ValidationError

from . import __version__
from .errors import ProjectError
from .story import Story, render_key

FORMAT = "audiostory-studio/story"
SCHEMA_VERSION = 2


def _v1_to_v2(story: dict[str, Any]) -> dict[str, Any]:
    rate = int(story.get("sample_rate", 48_000))

    def samples(seconds: float) -> int:
        return int(round(float(seconds) * rate))

    story = dict(story)
    story["duration"] = samples(story.pop("duration_s"))
    story.setdefault("seed", 0)
    events = []
    for old in story.get("events", []):
        event = dict(old)
        event["track_id"] = event.pop("track")
        event["start"] = samples(event.pop("start_s"))
        event["duration"] = samples(event.pop("duration_s"))
        key = render_key(event["caption"], event.get("tone", "neutral"), event.get("cues", {}),
                         event["seed"], event.get("generator", "procedural"),
                         event.get("generator_settings", {}))
        takes = []
        for old_take in event.get("takes", []):
            take = dict(old_take)
            take["frames"] = int(round(float(take.pop("duration_s")) * take["sample_rate"]))
            take["render_key"] = key  # v1 takes were always made from the event as saved
            takes.append(take)
        event["takes"] = takes
        events.append(event)
    story["events"] = events
    return story


# UPGRADES[n] turns the `story` of a version-n file into version n + 1.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def to_document(story: Story) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "saved_by": f"AudioStory Studio {__version__}",
        "story": story.model_dump(mode="json"),
    }


def dumps(story: Story) -> str:
    return json.dumps(to_document(story), indent=1, ensure_ascii=False) + "\n"


def loads(text: str | bytes, source: str) -> Story:
    """Parse, upgrade and validate a story file; `source` names it in error messages."""
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if hasattr(exc, "lineno") else ""
        raise ProjectError(f"{source}: not valid JSON{where}; the file is damaged.") from None
    return from_document(document, source)


def from_document(document: Any, source: str) -> Story:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ProjectError(f"{source}: not an AudioStory Studio story file.")
    version = document.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise ProjectError(f"{source}: unknown schema version {version!r}.")
    if version > SCHEMA_VERSION:
        raise ProjectError(
            f"{source}: saved by a newer AudioStory Studio (schema v{version}; this version "
            f"reads up to v{SCHEMA_VERSION}). Update the app to open it.")
    story = document.get("story")
    if not isinstance(story, dict):
        raise ProjectError(f"{source}: the file has no story in it.")
    try:
        while version < SCHEMA_VERSION:
            story = UPGRADES[version](story)
            version += 1
    except (KeyError, TypeError, ValueError) as exc:
        raise ProjectError(f"{source}: cannot upgrade from schema v{version}: "
                           f"missing or bad field {exc}.") from None
    try:
        return Story.model_validate(story)
    except ValidationError as exc:
        raise ProjectError(f"{source}: {describe_validation_error(exc)}.") from None


def describe_validation_error(exc: ValidationError) -> str:
    """The first problem of a pydantic error as one readable phrase."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
    return f"{where or 'story'}: {first['msg']}{more}"


def json_schema() -> dict[str, Any]:
    """JSON Schema of the current envelope, for tools that read story files."""
    story = Story.model_json_schema()
    definitions = story.pop("$defs", {})  # refs are "#/$defs/...": they must sit at the root
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "AudioStory Studio story file",
        "type": "object",
        "required": ["format", "schema_version", "story"],
        "properties": {
            "format": {"const": FORMAT},
            "schema_version": {"const": SCHEMA_VERSION},
            "saved_by": {"type": "string"},
            "story": story,
        },
        "$defs": definitions,
    }


if __name__ == "__main__":  # python -m engine.schema > resources/schema/story.schema.json
    print(json.dumps(json_schema(), indent=1))
