"""Project folders on disk: `NAME.story/` holding `story.json` and `takes/`.

Every write is atomic (temp file, fsync, rename), so a crash mid-save leaves the previous
project intact, and temporaries a crash left behind are removed on the next open. Autosave
writes a side file, `story.autosave.json`, that only an explicit save or discard removes; an
autosave that differs from `story.json` means the last session ended without saving.

A project folder can come from anywhere, so its take files are not trusted: a take path
that leads out of the folder (absolute, `..`, or through a link) is never read or written,
and a take file that is missing, empty, truncated or not audio does not stop the project
from opening. Such a take counts as missing, with a warning: its event is rendered again.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.atomic import remove_stale_partials, write_text_atomic
from engine.audio.cache import AudioCache
from engine.audio.files import (
    AudioWriteError,
    audio_file_problem,
    read_audio,
    take_file_format,
    write_audio,
    write_failure_reason,
)
from engine.errors import ProjectError
from engine.generation.base import GeneratedAudio, RenderRequest
from engine.meter.loudness import integrated_lufs
from engine.model import schema
from engine.model.fields import ID_PATTERN
from engine.model.story import Event, Story, Take, TakeLayer, render_key
from engine.progress import CancelToken, Progress, no_progress
from engine.project.imports import read_import

SUFFIX = ".story"
STORY_FILE = "story.json"
AUTOSAVE_FILE = "story.autosave.json"
TAKES_DIR = "takes"
_SAFE_ID = re.compile(ID_PATTERN)
OUTSIDE = "lies outside the project folder and is not read"
_UNKNOWN = object()


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
    # take files already checked: path -> (file identity, problem or None); a file found
    # damaged on a full read stays damaged until it changes
    _checked: dict = field(default_factory=dict, repr=False, compare=False)
    _paths: dict = field(default_factory=dict, repr=False, compare=False)  # take_path's
    # decoded takes for the mix; a take just rendered is put here, never read back
    audio_cache: AudioCache = field(default_factory=AudioCache, repr=False, compare=False)

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
        project.remove_crash_leftovers()
        for event in project.story.events:
            take = event.active_take()
            if render_length(event, project.story.duration) <= 0:
                project.warnings.append(f"event {event.id} starts at or after the story's end; "
                                        "it is silent")
            elif take is not None and (problem := project.take_problem(take)) is not None:
                project.warnings.append(f"take {take.path} of event {event.id} {problem}; the "
                                        "event will be rendered again")
        return project

    def remove_crash_leftovers(self) -> list[Path]:
        """Remove the temporary files an interrupted save or render left in the folder."""
        removed = remove_stale_partials(self.folder)
        takes = self.folder / TAKES_DIR
        if takes.is_dir() and not takes.is_symlink():
            removed += remove_stale_partials(takes)
        return removed

    def save(self, keep_autosave: bool = False) -> None:
        """Write story.json atomically and drop the autosave it supersedes.

        `keep_autosave`: for saves the user did not ask for (a headless re-render), which
        must not take the editor's unsaved work with them."""
        self.write_snapshot(self.snapshot(), keep_autosave=keep_autosave)

    def autosave(self) -> None:
        self.write_snapshot(self.snapshot(), autosave=True)

    def snapshot(self) -> str:
        """The story as file text; take it on the thread that edits the story."""
        return schema.dumps(self.story)

    def write_snapshot(self, text: str, autosave: bool = False,
                       keep_autosave: bool = False) -> None:
        """Write a snapshot as story.json (or the autosave file); safe on a worker thread."""
        self._write(AUTOSAVE_FILE if autosave else STORY_FILE, text)
        if not autosave and not keep_autosave:
            self.discard_recovery()

    def has_recovery(self) -> bool:
        """True when an autosave holds something story.json does not (the app closed
        without saving)."""
        autosave, saved = self.folder / AUTOSAVE_FILE, self.folder / STORY_FILE
        if not autosave.is_file():
            return False
        try:
            return not saved.is_file() or autosave.read_bytes() != saved.read_bytes()
        except OSError:
            return True  # let `recover` say what is wrong with it

    def recover(self) -> Story:
        """The autosaved story (the caller decides whether to adopt it); a ProjectError
        naming the file if it is damaged."""
        return _read_story(self.folder / AUTOSAVE_FILE)

    def discard_recovery(self) -> None:
        try:
            (self.folder / AUTOSAVE_FILE).unlink(missing_ok=True)
        except OSError as exc:
            raise ProjectError(f"{self.folder / AUTOSAVE_FILE}: cannot remove the autosave "
                               f"({exc.strerror or exc}).") from None

    def move_to(self, target: str | os.PathLike) -> None:
        """Save As: copy the takes into `target` (a new or empty folder) and make it this
        project's folder. Only regular files are copied, never through a link: neither a
        link inside `takes/` nor a `takes/` that is itself a link is followed out of the
        project. If copying fails, what was copied is removed again. The story itself is
        written by the next save."""
        target = project_folder(target)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise ProjectError(f"{target}: already exists and is not empty; choose another "
                               "name.")
        created = not target.exists()
        source = self.folder / TAKES_DIR
        try:
            (target / TAKES_DIR).mkdir(parents=True, exist_ok=True)
            _copy_take_files(source, target / TAKES_DIR)
            with self._takes_lock:  # takes finished meanwhile, then the switch
                _copy_take_files(source, target / TAKES_DIR)
                self.folder = target
                self._checked, self._paths = {}, {}
        except OSError as exc:
            shutil.rmtree(target if created else target / TAKES_DIR, ignore_errors=True)
            raise ProjectError(f"{target}: cannot create the project "
                               f"({exc.strerror or exc}); nothing was left there.") from None
        if source.is_symlink():
            self.warnings.append(f"{source} is a link out of the project; the takes behind it "
                                 "were not copied")

    def _write(self, name: str, text: str) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_text_atomic(self.folder / name, text)
        except OSError as exc:
            reason = write_failure_reason(exc, self.folder, len(text.encode()))
            raise ProjectError(f"{self.folder / name}: cannot save ({reason}); the previous "
                               "version is kept.") from None

    # -- takes ---------------------------------------------------------------------------
    def take_path(self, take: Take) -> Path:
        """The take's file, always inside the project folder.

        A path that leads out of the folder (absolute, through `..` or a link) is refused:
        the folder itself stands in for it, which no audio reader accepts, so the take
        reads as missing and nothing outside the project is ever read. (Asked on every
        paint, so the answer is kept per path; `read_take` checks again before it reads.)"""
        key = (self.folder, take.path)
        path = self._paths.get(key, _UNKNOWN)
        if path is _UNKNOWN:
            path = self._paths[key] = self._inside(take.path)
        return path or self.folder

    def take_problem(self, take: Take) -> str | None:
        """Why the take's file cannot be used ("is missing", "is damaged (...)"), or None.

        Cheap enough to ask often: each file is checked once (where it leads, header,
        length, last frame) and again only when it changes."""
        if not _plain_relative(take.path):
            return OUTSIDE
        path = self.folder / take.path
        try:
            info = path.stat()
        except OSError:
            return "is missing"
        identity = (info.st_ino, info.st_size, info.st_mtime_ns, take.sample_rate,
                    take.channels, take.frames)
        known = self._checked.get(str(path))
        if known is not None and known[0] == identity:
            return known[1]
        problem: str | None
        if self._inside(take.path) is None:
            problem = OUTSIDE
        elif not path.is_file():
            problem = "is not a file"
        else:
            problem = audio_file_problem(path, take.sample_rate, take.channels, take.frames)
            problem = None if problem is None else f"is damaged ({problem})"
        self._checked[str(path)] = (identity, problem)
        return problem

    def take_available(self, take: Take) -> bool:
        return self.take_problem(take) is None

    def needs_render(self, event: Event) -> bool:
        """No usable take: none yet, its file is gone or damaged, its inputs changed, or it
        is too short."""
        take = event.active_take()
        return (take is None or not self.take_available(take)
                or not take_is_current(event, take, self.story.sample_rate,
                                       self.story.duration))

    def stale_events(self) -> list[Event]:
        """The events a render should render: those that need it and can be heard."""
        return [event for event in self.story.events if self.needs_render(event)
                and render_length(event, self.story.duration) > 0]

    def read_take(self, take: Take) -> tuple[np.ndarray, int]:
        """The take's audio; a ProjectError if it is missing, outside or damaged (a file
        found damaged here reads as damaged from then on). Decoded takes are kept for the
        next mix."""
        problem = self.take_problem(take)
        path = self._inside(take.path)  # checked again, now, right before reading
        if problem is None and path is None:
            problem = OUTSIDE
        if problem is not None or path is None:
            raise ProjectError(f"take {take.path} {problem or OUTSIDE}.")
        return self.audio_cache.get(path, lambda found: self._read_checked(take, found))

    def _read_checked(self, take: Take, path: Path) -> tuple[np.ndarray, int]:
        try:
            audio, rate = read_audio(path)
        except ProjectError as exc:
            raise self._found_damaged(take, path, str(exc)) from None
        if audio.shape[1] < take.frames:
            raise self._found_damaged(take, path, f"only {audio.shape[1]} of its "
                                                  f"{take.frames} frames could be read")
        if not _all_finite(audio):
            raise self._found_damaged(take, path, "it holds samples that are not numbers")
        return audio, rate

    def active_take_audio(self, event: Event) -> tuple[np.ndarray, int] | None:
        """The audio the mixer plays for an event, or None while it has no usable take
        (a damaged one adds a warning)."""
        take = event.active_take()
        if take is None or not self.take_available(take):
            return None
        try:
            return self.read_take(take)
        except ProjectError as exc:
            warning = f"event {event.id}: {exc} It is silent until it is rendered again."
            if warning not in self.warnings:
                self.warnings.append(warning)
            return None

    def store_take(self, request: RenderRequest, generated: GeneratedAudio, generator: str,
                   generator_version: str) -> Take:
        """Write a rendered take to `takes/` (atomically) and describe it.

        The story is not touched, so a worker thread may call this while the GUI edits the
        story; `attach_take` (or the GUI's undoable command) records it on the event. The
        file name is unique, so a take that is never attached collides with nothing.
        """
        with self._takes_lock:
            take = write_take(self.folder, request, generated, generator, generator_version)
            self.keep_audio(take, generated.audio, generated.sample_rate)
            return take

    def keep_audio(self, take: Take, audio: np.ndarray, sample_rate: int) -> None:
        """Remember a take's audio as decoded (it was just written): no read-back to mix it."""
        self.audio_cache.put(self.take_path(take), (audio, sample_rate))

    def import_take(self, source: str | os.PathLike, event: Event,
                    progress: Progress = no_progress,
                    cancel: CancelToken | None = None) -> Take:
        """Bring an audio file in as the event's active take (a copy in `takes/`).

        The file is checked before it is read (at most 8 channels, 1 kHz to 192 kHz, at most
        two hours; otherwise a ProjectError saying so), read a block at a time (`progress`,
        `cancel`: the editor runs this off the GUI thread), refused if it holds NaN or
        infinite samples, and cut where the story ends (the event starts at `event.start`).
        The take counts as current for the event as it is now; editing the caption later
        makes it stale like any other take, and a render then replaces it with a new one.
        """
        room_s = self.story.to_seconds(self.story.duration - event.start)
        audio, rate = read_import(source, room_s, progress, cancel)
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

    def _inside(self, relative: str) -> Path | None:
        """`folder / relative` if that lies inside the project folder, links resolved;
        None for an absolute path, a `..`, or a link that leads out."""
        if not _plain_relative(relative):
            return None
        path = self.folder / relative
        try:
            root = self.folder.resolve()
            resolved = path.resolve()
        except (OSError, RuntimeError):  # a link loop
            return None
        return path if resolved != root and resolved.is_relative_to(root) else None

    def _found_damaged(self, take: Take, path: Path, why: str) -> ProjectError:
        known = self._checked.get(str(path))
        if known is not None:
            self._checked[str(path)] = (known[0], f"is damaged ({why})")
        return ProjectError(f"take {take.path} is damaged ({why}).")


def write_take(folder: Path, request: RenderRequest, generated: GeneratedAudio, generator: str,
               generator_version: str) -> Take:
    """Write a rendered take into `folder/takes/` (atomically) and describe it; safe in any
    thread or process (render workers call it directly). Never through a `takes/` that is
    a link or a file: the name is made here from a safe id, so it stays inside."""
    extension, subtype = take_file_format(generated.audio)
    stem = request.event_id if _SAFE_ID.match(request.event_id or "") else "take"
    relative = f"{TAKES_DIR}/{stem}-{uuid.uuid4().hex[:8]}{extension}"
    take = Take(
        id=Path(relative).stem, path=relative, generator=generator,
        generator_version=generator_version, parameters=request.to_json(), seed=request.seed,
        sample_rate=generated.sample_rate, channels=generated.audio.shape[0],
        frames=generated.audio.shape[1],
        loudness_lufs=integrated_lufs(generated.audio, generated.sample_rate),
        render_key=render_key(request.caption, request.tone, dict(request.cues),
                              request.seed, generator, dict(request.settings),
                              request.speech()),
        notes=list(generated.notes), layers=take_layers(generated.metadata),
        natural_length=bool(generated.metadata.get("natural_length", False)))
    target = folder / relative
    takes = folder / TAKES_DIR
    if takes.is_symlink() or (takes.exists() and not takes.is_dir()):
        raise ProjectError(f"{takes}: is a link or a file, not the project's takes folder; "
                           "no take is written through it. Replace it with a folder.")
    try:
        takes.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProjectError(f"{takes}: cannot create the takes folder "
                           f"({exc.strerror or exc}).") from None
    try:
        write_audio(target, generated.audio, generated.sample_rate, subtype)
    except AudioWriteError as exc:
        raise ProjectError(f"{target}: cannot write the take ({exc.reason}); the "
                           "previous take is kept.") from None
    return take


def take_layers(metadata) -> list[TakeLayer]:
    """What a take is made of, from the generator's `metadata["layers"]`: the entries shaped
    as `TakeLayer`s (kind, name, parameters); other shapes are left to the metadata."""
    layers = []
    for item in list(metadata.get("layers") or [])[:64]:
        if isinstance(item, dict) and isinstance(item.get("kind"), str) and "name" in item:
            try:
                layers.append(TakeLayer(kind=item["kind"], name=str(item["name"]),
                                        parameters=dict(item.get("parameters") or {})))
            except ValueError:
                continue
    return layers


def _plain_relative(relative: str) -> bool:
    """A relative path with no way up (`..`) and no root or drive."""
    candidate = Path(relative)
    return not (candidate.is_absolute() or candidate.anchor or ".." in candidate.parts)


def render_length(event: Event, story_duration: int) -> int:
    """Samples of the event a render must cover: the part before the story's end (an event
    running past the end is heard, and rendered, only up to it). An event that starts at or
    after the end is inaudible: 0."""
    return max(min(event.duration, story_duration - event.start), 0)


def take_is_current(event: Event, take: Take, story_rate: int,
                    story_duration: int | None = None) -> bool:
    """The take was made from the event's present inputs and covers its span (with
    `story_duration`: the span before the story's end)."""
    if take.render_key != event.render_key():
        return False
    needed = event.duration
    if story_duration is not None:
        needed = render_length(event, story_duration) or event.duration
    take_frames_at_story_rate = take.frames * story_rate / take.sample_rate
    return event.offset + needed <= take_frames_at_story_rate + 1


def attach_take(event: Event, take: Take, story: Story | None = None) -> Take:
    """Record a stored take on its event as the active one (numbered t1, t2, ...). A take of
    natural length (a spoken line) also sets the clip's length, within `story`."""
    take = take.model_copy(update={"id": event.next_take_id()})
    event.takes = [*event.takes, take]
    event.use_take(take.id)
    event.offset = 0
    if take.natural_length and story is not None:
        event.duration = natural_duration(story, event, take)
    return take


def natural_duration(story: Story, event: Event, take: Take) -> int:
    """The clip length that plays all of a natural-length take, inside the story."""
    frames = int(round(take.frames * story.sample_rate / take.sample_rate))
    return max(min(frames - event.offset, story.duration - event.start), 1)


def _copy_take_files(source: Path, target: Path) -> None:
    """Copy the regular files of `source` that `target` lacks; links and folders are
    skipped, and a `source` that is itself a link is not entered."""
    if source.is_symlink() or not source.is_dir():
        return
    with os.scandir(source) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False) and not (target / entry.name).exists():
                shutil.copy2(entry.path, target / entry.name, follow_symlinks=False)


def _all_finite(audio: np.ndarray, block: int = 1 << 20) -> bool:
    """No NaN or infinity, checked a block at a time (no take-sized temporary)."""
    flat = audio.reshape(-1)
    return all(np.isfinite(flat[i:i + block]).all() for i in range(0, flat.size, block))


def _read_story(path: Path) -> Story:
    try:
        with open(path, "rb") as handle:  # never more than a story can be: a bounded read
            size = os.fstat(handle.fileno()).st_size
            if size > schema.MAX_FILE_BYTES:
                raise ProjectError(f"{path}: the file is {size / 2**20:,.0f} MB, larger than "
                                   "any story; it is damaged or not a story file.")
            data = handle.read(schema.MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read ({exc.strerror or exc}).") from None
    return schema.loads(data, str(path))
