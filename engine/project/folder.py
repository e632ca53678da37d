"""Project folders on disk: `NAME.story/` holding `story.json` and `takes/`.

Every write is atomic (temp file, fsync, rename), so a crash mid-save leaves the previous
project intact. Autosave writes a side file, `story.autosave.json`, that a normal save
removes; an autosave newer than `story.json` means the last session ended without saving.
A take file that has gone missing does not stop the project from opening: its event simply
needs a render again.
"""
from __future__ import annotations

import os
import shutil
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.atomic import write_text_atomic
from engine.audio.files import read_audio, take_file_format, write_audio
from engine.errors import ProjectError
from engine.generation.base import GeneratedAudio, RenderRequest
from engine.meter.loudness import integrated_lufs
from engine.model import schema
from engine.model.story import Event, Story, Take, TakeLayer, render_key

SUFFIX = ".story"
STORY_FILE = "story.json"
AUTOSAVE_FILE = "story.autosave.json"
TAKES_DIR = "takes"


def project_folder(path: str | os.PathLike) -> Path:
    """The folder a user means: `storm` and `storm.story` both name `storm.story/`."""
    path = Path(path)
    if path.suffix == SUFFIX or (path / STORY_FILE).exists():
        return path
    return path.with_name(path.name + SUFFIX)


@dataclass
class Project:
    folder: Path
    story: Story
    warnings: list[str] = field(default_factory=list)  # what opening it found and repaired
    # held while a take file is written and while Save As moves the folder, so a take
    # rendered during Save As lands in one folder or the other, never in neither
    _takes_lock: threading.Lock = field(default_factory=threading.Lock, repr=False,
                                        compare=False)

    # -- creating, opening, saving -------------------------------------------------------
    @classmethod
    def create(cls, folder: str | os.PathLike, story: Story) -> Project:
        folder = project_folder(folder)
        if (folder / STORY_FILE).exists():
            raise ProjectError(f"{folder}: a project already exists there; open it instead.")
        try:
            (folder / TAKES_DIR).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(f"{folder}: cannot create the project folder ({exc.strerror}).") from None
        project = cls(folder, story)
        project.save()
        return project

    @classmethod
    def open(cls, folder: str | os.PathLike) -> Project:
        folder = project_folder(folder)
        story_path = folder / STORY_FILE
        if not folder.is_dir():
            raise ProjectError(f"{folder}: no such project folder.")
        if not story_path.is_file():
            raise ProjectError(f"{folder}: not a project ({STORY_FILE} is missing).")
        project = cls(folder, _read_story(story_path))
        project.warnings = [
            f"take {take.path} of event {event.id} is missing; the event will be rendered again"
            for event in project.story.events
            for take in ([event.active_take()] if event.active_take() else [])
            if not project.take_available(take)
        ]
        return project

    def save(self) -> None:
        """Write story.json atomically and drop the now older autosave."""
        self.write_snapshot(self.snapshot())

    def autosave(self) -> None:
        self.write_snapshot(self.snapshot(), autosave=True)

    def snapshot(self) -> str:
        """The story as file text; take it on the thread that edits the story."""
        return schema.dumps(self.story)

    def write_snapshot(self, text: str, autosave: bool = False) -> None:
        """Write a snapshot as story.json (or the autosave file); safe on a worker thread."""
        self._write(AUTOSAVE_FILE if autosave else STORY_FILE, text)
        if not autosave:
            (self.folder / AUTOSAVE_FILE).unlink(missing_ok=True)

    def has_recovery(self) -> bool:
        """True when an autosave is newer than the last save (the app closed unsaved)."""
        autosave, saved = self.folder / AUTOSAVE_FILE, self.folder / STORY_FILE
        return autosave.exists() and (
            not saved.exists() or autosave.stat().st_mtime_ns >= saved.stat().st_mtime_ns)

    def recover(self) -> Story:
        """The autosaved story (the caller decides whether to adopt it)."""
        return _read_story(self.folder / AUTOSAVE_FILE)

    def discard_recovery(self) -> None:
        (self.folder / AUTOSAVE_FILE).unlink(missing_ok=True)

    def move_to(self, target: str | os.PathLike) -> None:
        """Save As: copy the takes into `target` (a new or empty folder) and make it this
        project's folder. Only regular files are copied: a link in `takes/` is never
        followed out of the project. The story itself is written by the next save."""
        target = project_folder(target)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise ProjectError(f"{target}: already exists and is not empty; choose another "
                               "name.")
        try:
            (target / TAKES_DIR).mkdir(parents=True, exist_ok=True)
            _copy_take_files(self.folder / TAKES_DIR, target / TAKES_DIR)
            with self._takes_lock:  # takes finished meanwhile, then the switch
                _copy_take_files(self.folder / TAKES_DIR, target / TAKES_DIR)
                self.folder = target
        except OSError as exc:
            raise ProjectError(f"{target}: cannot create the project "
                               f"({exc.strerror or exc}).") from None

    def _write(self, name: str, text: str) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_text_atomic(self.folder / name, text)
        except OSError as exc:
            raise ProjectError(f"{self.folder / name}: cannot save ({exc.strerror or exc}); "
                               "the previous version is kept.") from None

    # -- takes ---------------------------------------------------------------------------
    def take_path(self, take: Take) -> Path:
        return self.folder / take.path

    def take_available(self, take: Take) -> bool:
        return self.take_path(take).is_file()

    def needs_render(self, event: Event) -> bool:
        """No usable take: none yet, its file is gone, its inputs changed, or it is too short."""
        take = event.active_take()
        return (take is None or not self.take_available(take)
                or not take_is_current(event, take, self.story.sample_rate))

    def stale_events(self) -> list[Event]:
        return [event for event in self.story.events if self.needs_render(event)]

    def read_take(self, take: Take) -> tuple[np.ndarray, int]:
        return read_audio(self.take_path(take))

    def active_take_audio(self, event: Event) -> tuple[np.ndarray, int] | None:
        """The audio the mixer plays for an event, or None while it has no usable take."""
        take = event.active_take()
        if take is None or not self.take_available(take):
            return None
        return self.read_take(take)

    def store_take(self, request: RenderRequest, generated: GeneratedAudio, generator: str,
                   generator_version: str) -> Take:
        """Write a rendered take to `takes/` (atomically) and describe it.

        The story is not touched, so a worker thread may call this while the GUI edits the
        story; `attach_take` (or the GUI's undoable command) records it on the event. The
        file name is unique, so a take that is never attached collides with nothing.
        """
        extension, subtype = take_file_format(generated.audio)
        relative = f"{TAKES_DIR}/{request.event_id or 'take'}-{uuid.uuid4().hex[:8]}{extension}"
        with self._takes_lock:
            return self._store_take(request, generated, generator, generator_version, relative,
                                    subtype)

    def _store_take(self, request: RenderRequest, generated: GeneratedAudio, generator: str,
                    generator_version: str, relative: str, subtype: str) -> Take:
        take = Take(
            id=Path(relative).stem, path=relative, generator=generator,
            generator_version=generator_version, parameters=request.to_json(), seed=request.seed,
            sample_rate=generated.sample_rate, channels=generated.audio.shape[0],
            frames=generated.audio.shape[1],
            loudness_lufs=integrated_lufs(generated.audio, generated.sample_rate),
            render_key=render_key(request.caption, request.tone, dict(request.cues),
                                  request.seed, generator, dict(request.settings),
                                  request.speech()),
            notes=list(generated.notes), layers=take_layers(generated))
        try:
            (self.folder / TAKES_DIR).mkdir(parents=True, exist_ok=True)
            write_audio(self.folder / relative, generated.audio, generated.sample_rate, subtype)
        except OSError as exc:
            raise ProjectError(f"{self.folder / relative}: cannot write the take "
                               f"({exc.strerror or exc}).") from None
        return take

    def import_take(self, source: str | os.PathLike, event: Event) -> Take:
        """Bring an audio file in as the event's active take (a copy in `takes/`).

        The take counts as current for the event as it is now; editing the caption later
        makes it stale like any other take, and a render then replaces it with a new one.
        """
        audio, rate = read_audio(source)
        if audio.shape[1] == 0:
            raise ProjectError(f"{source}: the file holds no audio.")
        request = RenderRequest(caption=event.caption, duration_s=audio.shape[1] / rate,
                                seed=event.seed, tone=event.tone, cues=event.cues,
                                settings=event.generator_settings, event_id=event.id)
        generated = GeneratedAudio(np.ascontiguousarray(audio, np.float32), rate,
                                   notes=(f"imported from {Path(source).name}",))
        take = self.store_take(request, generated, event.generator, "imported")
        return attach_take(event, take.model_copy(update={"generator": "import"}))

    def add_take(self, event: Event, request: RenderRequest, generated: GeneratedAudio,
                 generator: str, generator_version: str) -> Take:
        """Store a rendered take and make it the event's active take."""
        return attach_take(event, self.store_take(request, generated, generator,
                                                  generator_version))


def take_layers(generated: GeneratedAudio) -> list[TakeLayer]:
    """What a generator says its take is made of: `metadata["layers"]`, a list of
    {"kind", "name", "parameters"} (recipes, models, recordings)."""
    return [TakeLayer.model_validate(layer) for layer in generated.metadata.get("layers", ())]


def take_is_current(event: Event, take: Take, story_rate: int) -> bool:
    """The take was made from the event's present inputs and covers its whole span."""
    if take.render_key != event.render_key():
        return False
    take_frames_at_story_rate = take.frames * story_rate / take.sample_rate
    return event.offset + event.duration <= take_frames_at_story_rate + 1


def attach_take(event: Event, take: Take) -> Take:
    """Record a stored take on its event as the active one (numbered t1, t2, ...)."""
    take = take.model_copy(update={"id": event.next_take_id()})
    event.takes = [*event.takes, take]
    event.use_take(take.id)
    event.offset = 0
    return take


def _copy_take_files(source: Path, target: Path) -> None:
    """Copy the regular files of `source` that `target` lacks; links and folders are skipped."""
    if not source.is_dir():
        return
    with os.scandir(source) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False) and not (target / entry.name).exists():
                shutil.copy2(entry.path, target / entry.name, follow_symlinks=False)


def _read_story(path: Path) -> Story:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read ({exc.strerror}).") from None
    return schema.loads(data, str(path))
