"""Export a project: master, stems, markers, labels and an OTIO timeline, with a loudness
report for every audio file.

Order of work: check every output before anything else (an existing file without `force`
is refused at once), mix, decide the master bus (loudness target, true-peak limiter), then
write every file to a temporary name (audio files in parallel) and rename them all into
place at the end. A failure or cancel at any point removes every temporary: no partial file
is ever left, and existing files are only replaced by complete new ones.

Stems carry the master bus too (the same gain and limiter curve), so they line up with the
master sample for sample and, imported at unity gain, sum to it.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from engine.atomic import StagedFiles, flush_to_disk, staged_files
from engine.audio.files import write_failure_reason
from engine.audio.gain import level_db
from engine.errors import Cancelled, ProjectError
from engine.export.formats import AudioFormat, available_formats, get_format
from engine.export.interchange import audacity_labels, otio_text, otio_timeline
from engine.export.markers import Marker, append_markers
from engine.export.settings import ExportSettings, PlannedFile, check_export
from engine.export.signal_writer import (
    BusSignal,
    ClipSignal,
    Signal,
    WrittenAudio,
    measure_file,
    write_signal,
)
from engine.export.subtitles import marker_label, spoken_events, subtitles_text
from engine.meter.loudness import LoudnessStats
from engine.mix.loudness_targets import LOUDNESS_TARGETS
from engine.mix.master_bus import MasterBus, plan_master_bus
from engine.mix.mixer import (
    Mixer,
    MixResult,
    TakeAudio,
    add_clip,
    audible_tracks,
    clip_gains,
    render_clip,
    story_rate_audio,
)
from engine.model.story import Event, Story
from engine.progress import CancelToken, Progress, no_progress, sub_progress
from engine.project.folder import Project

__all__ = ["ExportSettings", "ExportReport", "ExportedFile", "LOUDNESS_TARGETS", "PlannedFile",
           "available_formats", "check_export", "export_project", "take_file", "write_export"]


@dataclass(frozen=True)
class ExportedFile:
    path: Path
    kind: str  # master | stem | event stem | labels | timeline
    loudness: LoudnessStats | None = None  # audio files only
    track_id: str | None = None
    event_id: str | None = None


@dataclass(frozen=True)
class ExportReport:
    files: tuple[ExportedFile, ...]
    format: str
    loudness_target_lufs: float | None
    gain_db: float  # loudness normalisation applied on the master bus
    limiter_max_reduction_db: float
    warnings: tuple[str, ...] = ()

    @property
    def paths(self) -> list[Path]:
        return [f.path for f in self.files]

    def loudness(self, path: str | os.PathLike) -> LoudnessStats | None:
        path = Path(path)
        return next((f.loudness for f in self.files if f.path == path), None)

    def lines(self) -> list[str]:
        """A readable summary: one line per file, then the master bus and any warnings."""
        out = []
        for f in self.files:
            loud = f" ({f.loudness.describe()})" if f.loudness is not None else ""
            out.append(f"wrote {f.kind} {f.path}{loud}")
        target = ("no loudness target" if self.loudness_target_lufs is None
                  else f"target {self.loudness_target_lufs:g} LUFS")
        limiter = ("limiter idle" if self.limiter_max_reduction_db < 0.05 else
                   f"limiter {-self.limiter_max_reduction_db:.1f} dB at most")
        out.append(f"master bus: {target}, gain {self.gain_db:+.1f} dB, {limiter}")
        out.extend(f"warning: {w}" for w in self.warnings)
        return out

    def to_json(self) -> dict:
        return {
            "format": self.format, "loudness_target_lufs": self.loudness_target_lufs,
            "gain_db": round(self.gain_db, 2),
            "limiter_max_reduction_db": round(self.limiter_max_reduction_db, 2),
            "files": [{"path": str(f.path), "kind": f.kind, "track_id": f.track_id,
                       "event_id": f.event_id,
                       "loudness": f.loudness.to_json() if f.loudness else None}
                      for f in self.files],
            "warnings": list(self.warnings)}


def export_project(project: Project, settings: ExportSettings,
                   progress: Progress = no_progress,
                   cancel: CancelToken | None = None) -> ExportReport:
    """Mix, master and write everything `settings` asks for; all files or none."""
    story = project.story
    planned = check_export(story, settings)
    mix = Mixer(settings.mix).mix(story, project.active_take_audio,
                                  sub_progress(progress, 0.0, 0.35), cancel)
    return write_export(story, mix, settings, project.active_take_audio,
                        lambda event: take_file(project, event),
                        sub_progress(progress, 0.35, 1.0), cancel, planned)


def write_export(story: Story, mix: MixResult, settings: ExportSettings, take_audio: TakeAudio,
                 take_path: Callable[[Event], Path | None], progress: Progress = no_progress,
                 cancel: CancelToken | None = None,
                 planned: list[PlannedFile] | None = None) -> ExportReport:
    """Master and write the export of a mix made with `settings.mix` (no headroom trim).

    `take_audio` and `take_path` give an event's active take (audio, and its file for the
    OTIO timeline); the mixer's own `TakeAudio` and `take_file(project, ·)` for a project.
    """
    planned = check_export(story, settings) if planned is None else planned
    audio_format = get_format(settings.format)
    audible = audible_tracks(story)
    warnings = [f"event {e.id} ({e.caption}) has no take; it is silent in this export"
                for e in story.events if e.track_id in audible and e.id not in mix.clips]
    muted = [t.name for t in story.tracks if t.id not in audible]
    if muted and settings.stems_dir is not None:
        warnings.append(f"no stems for muted tracks: {', '.join(muted)}")
    master = mix.master_source()
    bus = plan_master_bus(master, story.sample_rate, settings.loudness,
                          settings.true_peak_db, sub_progress(progress, 0.0, 0.15), cancel)
    warnings.extend(bus.warnings)
    writer = _Writer(story, take_audio, mix, bus, audio_format,
                     sub_progress(progress, 0.15, 0.99), cancel)
    created_folder = settings.stems_dir is not None and not Path(settings.stems_dir).exists()
    try:
        with staged_files() as staging:
            if settings.stems_dir is not None:
                Path(settings.stems_dir).mkdir(parents=True, exist_ok=True)
            exported = writer.write_audio(staging, [p for p in planned if p.kind not in
                                                    TEXT_KINDS])
            if settings.markers and settings.master_path is not None:
                writer.failed_path = Path(settings.master_path)
                _add_markers(writer.temp_for(Path(settings.master_path)), story, settings,
                             audio_format, warnings)
            for item in planned:
                if item.kind not in TEXT_KINDS:
                    continue
                writer.failed_path = item.path
                if item.kind == "labels":
                    text = audacity_labels(story)
                elif item.kind == "subtitles":
                    text = subtitles_text(story, item.path.suffix)
                    if not spoken_events(story):
                        warnings.append(f"{item.path.name}: the story has no spoken lines; "
                                        "the subtitle file is empty")
                else:
                    text = otio_text(otio_timeline(story, take_path))
                _write_text(staging, item.path, text)
                exported.append(ExportedFile(item.path, item.kind))
            if cancel is not None:  # the last moment to change one's mind: nothing is in place yet
                cancel.raise_if_cancelled()
    except (OSError, sf.LibsndfileError) as exc:
        _remove_if_empty(settings.stems_dir, created_folder)
        audio_files = sum(1 for p in planned if p.kind not in ("labels", "timeline"))
        raise _write_error(exc, writer.failed_path,
                           audio_files * story.duration * 2 * 4) from None
    except BaseException:
        _remove_if_empty(settings.stems_dir, created_folder)
        raise
    warnings.extend(writer.warnings)
    progress(1.0, f"exported {len(exported)} files")
    return ExportReport(tuple(sorted(exported, key=lambda f: _KIND_ORDER[f.kind])),
                        settings.format, bus.target_lufs, bus.gain_db, bus.max_reduction_db,
                        tuple(warnings))


_KIND_ORDER = {"master": 0, "stem": 1, "speaker stem": 2, "event stem": 3, "labels": 4,
               "subtitles": 5, "timeline": 6}
TEXT_KINDS = ("labels", "subtitles", "timeline")


class _Writer:
    """Writes the audio files in parallel threads (numpy, the K-weighting filter and
    libsndfile all release the GIL), reporting progress from the calling thread."""

    def __init__(self, story: Story, take_audio: TakeAudio, mix: MixResult, bus: MasterBus,
                 audio_format: AudioFormat, progress: Progress,
                 cancel: CancelToken | None) -> None:
        self.story = story
        self.take_audio = take_audio
        self.mix = mix
        self.bus = bus
        self.format = audio_format
        self.progress = progress
        self.cancel = cancel
        self.warnings: list[str] = []
        self.failed_path: Path | None = None
        self._staged: dict[Path, Path] = {}  # target -> temporary
        self._done = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def write_audio(self, staging: StagedFiles, planned: list[PlannedFile]) -> list[ExportedFile]:
        if not planned:
            return []
        for item in planned:
            self._staged[item.path] = staging.path_for(item.path)
        total = max(len(planned) * self.story.duration, 1)
        workers = max(1, min(len(planned), os.cpu_count() or 1, 4))
        with ThreadPoolExecutor(workers, thread_name_prefix="export") as pool:
            # the master is the cheapest file (its loudness is known already): last, so the
            # pool does not end on a long file running alone
            order = sorted(planned, key=lambda item: item.kind == "master")
            futures: dict[Future, PlannedFile] = {pool.submit(self._write_one, item): item
                                                  for item in order}
            pending = set(futures)
            while pending:
                done, pending = wait(pending, timeout=0.25, return_when=FIRST_EXCEPTION)
                failed = [f for f in done if f.exception() is not None]
                if failed or (self.cancel is not None and self.cancel.cancelled):
                    self._stop.set()
                    wait(pending)
                    self._raise_first(failed, futures)
                    if self.cancel is not None:
                        self.cancel.raise_if_cancelled()
                with self._lock:
                    fraction = self._done / total
                self.progress(fraction, f"writing {len(planned) - len(pending)} of "
                                        f"{len(planned)} files")
            return [future.result() for future in futures]

    def temp_for(self, target: Path) -> Path:
        return self._staged[target]

    def _raise_first(self, failed: list[Future], futures: dict[Future, PlannedFile]) -> None:
        """A real failure first (naming its file), else the cancel."""
        errors = [(future, error) for future in failed if (error := future.exception())]
        for future, error in errors:
            if not isinstance(error, Cancelled):
                self.failed_path = futures[future].path
                raise error
        if errors:
            raise errors[0][1]

    def _count(self, samples: int) -> None:
        with self._lock:
            self._done += samples

    def _write_one(self, item: PlannedFile) -> ExportedFile:
        signal = self._signal(item)
        temp = self._staged[item.path]
        written = write_signal(temp, signal, self.story.sample_rate, self.format,
                               measure_loudness=item.kind != "master", cancel=self.cancel,
                               stop=self._stop, on_chunk=self._count)
        flush_to_disk(temp)  # now, while other files are still being computed
        loudness = self._loudness(item, temp, written)
        if written.clipped:
            self.warnings.append(f"{item.path.name} goes beyond full scale and was clipped "
                                 f"in {self.format.name}; export as wav32f to keep it whole")
        return ExportedFile(item.path, item.kind, loudness, item.track_id, item.event_id)

    def _signal(self, item: PlannedFile) -> Signal:
        if item.kind == "master":
            return BusSignal(self.mix.master_source(), self.bus)
        if item.kind == "stem":
            assert item.track_id is not None, "a stem is planned with its track"
            return BusSignal(self.mix.stems[item.track_id], self.bus)
        if item.kind == "speaker stem":
            assert item.track_id is not None, "a speaker stem is planned with its track"
            return BusSignal(self._speaker_stem(item.track_id, item.speaker or ""), self.bus)
        assert item.event_id is not None, "an event stem is planned with its event"
        event = self.story.event(item.event_id)
        plan = self.mix.clips.get(event.id)
        audio = story_rate_audio(self.take_audio(event), self.story.sample_rate)
        if plan is None or audio is None:
            clip, start = np.zeros((2, 0), dtype=np.float32), 0
        else:
            clip = render_clip(audio, plan, clip_gains(event, self.story.track(event.track_id)))
            start = plan.start
        return ClipSignal(clip, start, self.story.duration, self.bus)

    def _speaker_stem(self, track_id: str, speaker: str) -> np.ndarray:
        """One speaker's lines on a track, placed as in the mix: the speaker stems of a
        track sum to its stem exactly."""
        track = self.story.track(track_id)
        stem = np.zeros((2, self.story.duration), dtype=np.float32)
        for event in self.story.events_on(track_id):
            plan = self.mix.clips.get(event.id)
            if (event.speaker or "") != speaker or plan is None:
                continue
            audio = story_rate_audio(self.take_audio(event), self.story.sample_rate)
            if audio is not None:
                add_clip(stem, audio, plan, clip_gains(event, track))
        return stem

    def _loudness(self, item: PlannedFile, temp: Path, written: WrittenAudio) -> LoudnessStats:
        if self.format.lossy:  # what players decode, encoder overshoot included
            return measure_file(temp)
        if written.loudness is not None:
            return written.loudness
        integrated, momentary, short_term, lra = self.bus.output_loudness()
        return LoudnessStats(integrated, momentary, short_term, lra,
                             level_db(written.true_peak), level_db(written.sample_peak),
                             self.story.duration_s)


def take_file(project: Project, event: Event) -> Path | None:
    """The active take's file of an event, if it is there."""
    take = event.active_take()
    return project.take_path(take) if take is not None and project.take_available(take) else None


def _add_markers(temp: Path, story: Story, settings: ExportSettings,
                 audio_format: AudioFormat, warnings: list[str]) -> None:
    if not audio_format.can_hold_markers:
        warnings.append(f"markers go only into WAV masters; {settings.format} has none "
                        "(use --labels or --otio for the event times)")
        return
    markers = [Marker(e.start, marker_label(e))
               for e in sorted(story.events, key=lambda e: (e.start, e.id))
               if e.start < story.duration]
    try:
        append_markers(temp, markers)
    except ValueError as exc:  # a WAV beyond 4 GiB: no room for chunks after the audio
        warnings.append(f"no markers written: {exc}")


def _write_text(staging: StagedFiles, target: Path, text: str) -> None:
    with open(staging.path_for(target), "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def _remove_if_empty(folder: Path | None, created: bool) -> None:
    if folder is not None and created:
        try:
            Path(folder).rmdir()
        except OSError:
            pass


def _write_error(exc: BaseException, path: Path | None, needed_bytes: int) -> ProjectError:
    """One line: which file, and why in words (a full or read-only disk, no permission),
    also when libsndfile says no more than "System error."."""
    where = f"{path}: " if path is not None else ""
    folder = path.parent if path is not None else Path.cwd()
    reason = write_failure_reason(exc, folder, needed_bytes)
    return ProjectError(f"{where}cannot write the export ({reason}); nothing was exported.")
