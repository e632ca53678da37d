"""The versioned on-disk form of a story (`story.json`).

A file is an envelope `{"format", "schema_version", "saved_by", "story"}`. Files of an older
version are upgraded on load by the chain in `engine.model.migrations`, so every old file
goes through the same tested path. Whatever a file holds, loading it ends in a story or in
one `ProjectError` that names the file and what is wrong with it.
"""
from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from engine import __version__
from engine.errors import ProjectError
from engine.model.migrations import UPGRADES
from engine.model.story import Story

FORMAT = "audiostory-studio/story"
SCHEMA_VERSION = 3
MAX_FILE_BYTES = 256 * 1024 * 1024  # far beyond a full story of 5,000 events with takes


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
    if len(text) > MAX_FILE_BYTES:
        raise ProjectError(f"{source}: the file is {len(text) / 2**20:.0f} MB, larger than any "
                           "story; it is damaged or not a story file.")
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = (f" at line {exc.lineno} column {exc.colno}"
                 if isinstance(exc, json.JSONDecodeError) else "")
        raise ProjectError(f"{source}: not valid JSON{where}; the file is damaged.") from None
    except RecursionError:
        raise ProjectError(f"{source}: the file is nested too deeply to be a story; "
                           "it is damaged.") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise ProjectError(f"{source}: the file holds a value no story has ({exc}); "
                           "it is damaged.") from None
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
    except (KeyError, TypeError, ValueError, OverflowError, AttributeError) as exc:
        raise ProjectError(f"{source}: cannot upgrade from schema v{version}: "
                           f"missing or bad field {exc}.") from None
    try:
        return Story.model_validate(story)
    except ValidationError as exc:
        raise ProjectError(f"{source}: {describe_validation_error(exc)}.") from None
    except RecursionError:
        raise ProjectError(f"{source}: the story is nested too deeply; it is damaged.") from None


def describe_validation_error(exc: ValidationError) -> str:
    """The first problem of a pydantic error as one readable phrase."""
    first = exc.errors()[0]
    where = ".".join(str(part)[:40] for part in first["loc"][:8])
    message = first["msg"].removeprefix("Value error, ")  # a validator's own words
    more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
    return f"{where or 'story'}: {message}{more}"


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


if __name__ == "__main__":  # python -m engine.model.schema > resources/schema/story.schema.json
    print(json.dumps(json_schema(), indent=1))
