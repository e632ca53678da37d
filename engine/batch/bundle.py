"""A project job's project, as bytes: what a worker on any machine needs to render it.

The bundle is `story.json` plus the audio file of every active take, so a worker that has no
access to the user's disk (a Ray node elsewhere) renders and mixes exactly what the project
holds. The user's project is only read, never written.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from engine.errors import InvalidInput, StudioError
from engine.model import schema
from engine.project.folder import STORY_FILE

Bundle = dict[str, bytes]  # path relative to the project folder -> contents


def read_bundle(folder: Path) -> Bundle:
    """story.json and the active takes' files (a missing take is simply rendered again)."""
    story_path = folder / STORY_FILE
    if not folder.is_dir():
        raise InvalidInput(f"{folder}: no such project folder.")
    try:
        story_bytes = story_path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{folder}: not a readable project ({STORY_FILE}: "
                           f"{exc.strerror or exc}).") from None
    try:
        story = schema.loads(story_bytes, str(story_path))
    except StudioError as exc:
        raise InvalidInput(str(exc)) from None
    bundle: Bundle = {STORY_FILE: story_bytes}
    root = folder.resolve()
    for event in story.events:
        take = event.active_take()
        if take is None:
            continue
        path = (folder / take.path).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            continue  # outside the project, or gone: the event is rendered again
        bundle[path.relative_to(root).as_posix()] = path.read_bytes()
    return bundle


def project_digest(folder: Path) -> str:
    """sha256 of a project's bundle: changes whenever the story or a take it plays changes."""
    digest = hashlib.sha256()
    for name, data in sorted(read_bundle(folder).items()):
        digest.update(name.encode() + b"\0" + len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def write_bundle(bundle: Bundle, folder: Path) -> None:
    """Lay a bundle out as a project folder (a worker's private copy)."""
    for name, data in bundle.items():
        target = folder / name
        if not target.resolve().is_relative_to(folder.resolve()):
            raise InvalidInput(f"{name}: a project file outside its folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
