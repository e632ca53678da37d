"""The `library` generator: renders an event from the user's own recordings.

Per event: pick the recording (`choice`: the caption's best matches, the source's recording
family, the seed), read it, take the region the event needs (its audible part, from a zero
crossing), loop it seamlessly when a bed is longer than the file, fold it to stereo at
48 kHz, and finish it like every take: no DC, peaks under -1 dBFS, edge fades, levelled to
the track kind's loudness target (`engine.mix.targets`). The take's layers name the file, the region
and the score, so the editor can show it and the user can pin another file
(`settings: {"file": PATH}`). When nothing matches well enough (`min_score`), or the library
is empty, the procedural engine renders the event and the take's notes say so.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import soxr

from engine.audio.files import read_audio
from engine.errors import InvalidInput, StudioError
from engine.generation.base import GeneratedAudio, RenderRequest
from engine.generation.library import choice, editing
from engine.generation.settings import Setting, parse_settings
from engine.library.analysis import to_stereo
from engine.progress import CancelToken, Progress, no_progress

SAMPLE_RATE = 48_000
DEFAULT_MIN_SCORE = 0.45


class LibraryGenerator:
    name = "library"
    version = "1.0"
    SETTINGS = (
        Setting("file", "str", "", "a recording to use, by its path (empty: the library's "
                "best match for the caption)"),
        Setting("min_score", "float", DEFAULT_MIN_SCORE, "a caption whose best match scores "
                "lower is rendered by the procedural engine instead", minimum=0.0,
                maximum=2.0),
    )

    def __init__(self, index=None) -> None:
        self._index = index
        self._search = None

    def search(self):
        """The library's search (opened on first use; None while the library is empty)."""
        from engine.library import LibraryIndex, LibrarySearch, default_index_path

        if self._search is None:
            if self._index is None:
                if not default_index_path().exists():
                    return None
                self._index = LibraryIndex()
            self._search = LibrarySearch(self._index)
        return self._search

    def render(self, request: RenderRequest, progress: Progress | None = None,
               cancel: CancelToken | None = None) -> GeneratedAudio:
        progress = progress or no_progress
        values, notes = parse_settings(self.SETTINGS, request.settings, self.name)
        progress(0.0, "searching the library")
        if values["file"]:
            path, parameters = Path(values["file"]).expanduser(), {"chosen": "by the user"}
            if not path.is_file():
                raise InvalidInput(f"{path}: the recording chosen for this event is not there "
                                   "any more; pick another in the Library panel.")
        else:
            found = self._pick(request, values["min_score"], notes)
            if isinstance(found, GeneratedAudio):
                return found
            path, parameters = found
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(0.3, f"reading {path.name}")
        audio, rate = read_audio(path)
        if audio.shape[1] == 0:
            raise StudioError(f"{path}: the recording holds no audio.")
        take, region = self._cut(audio, rate, request)
        progress(0.9, "levelling")
        from engine.generation.procedural.finishing import finish
        from engine.mix.targets import take_target_lufs

        target = take_target_lufs(request.track_kind)
        take = finish(take, SAMPLE_RATE, target)
        progress(1.0, "done")
        layer = {"kind": "recording", "name": path.name[:200], "parameters": {
            "path": str(path), "start_s": round(region.start / rate, 4),
            "end_s": round(region.end / rate, 4), "looped": region.looped,
            "source_rate": rate, "source_channels": int(audio.shape[0]), **parameters}}
        return GeneratedAudio(take, SAMPLE_RATE, notes=tuple(notes),
                              metadata={"layers": [layer], "target_lufs": target,
                                        "recording": str(path)})

    # -- which file ------------------------------------------------------------------------
    def _pick(self, request: RenderRequest, min_score: float, notes: list[str]):
        search = self.search()
        if search is None or not len(search.matrix().ids):
            return self._fallback(request, notes, "the sound library is empty (add folders "
                                  "with `main.py library add DIR` or in Preferences)")
        identity, words = _identity(request)
        picked = choice.choose(search, request.caption, request.track_kind, identity, words,
                               request.story_prompt, request.seed, min_score)
        if picked is None or picked.best.score < min_score:
            best = "" if picked is None else (
                f" (best: {_name(search, picked.best.id)}, score {picked.best.score:.2f} < "
                f"{min_score:.2f})")
            return self._fallback(request, notes, f"no library recording matched "
                                  f"{request.caption!r} well enough{best}")
        missing: list[str] = []
        for candidate in [picked.picked] + [c for c in choice.rank(
                search, request.caption, request.track_kind)[:10] if c.id != picked.picked.id]:
            path = Path(search.index.rows([candidate.id], ("path",))[candidate.id][0])
            if path.is_file() and candidate.score >= min_score:
                if missing:
                    notes.append(f"{len(missing)} better match(es) are missing on disk "
                                 f"({', '.join(missing)}); rescan the library")
                return path, {"score": round(candidate.score, 4), "rank": candidate.rank,
                              "alternatives": picked.alternatives, "identity": identity,
                              "family": candidate.family.rsplit("|", 1)[-1],
                              "family_kept": picked.family_kept}
            missing.append(path.name)
        return self._fallback(request, notes, "the matching recordings are missing on disk "
                              f"({', '.join(missing)}); rescan the library")

    def _fallback(self, request: RenderRequest, notes: list[str], why: str) -> GeneratedAudio:
        from engine.generation import get_generator

        procedural = get_generator("procedural")
        result = procedural.render(_without_settings(request))
        layers = [{"kind": "recipe", "name": str(info.get("recipe", ""))[:200],
                   "parameters": {"score": info.get("score")}}
                  for info in result.metadata.get("layers", [])]
        return GeneratedAudio(result.audio, result.sample_rate,
                              metadata={**result.metadata, "layers": layers, "fallback": why},
                              notes=(*notes, f"{why}; rendered by the procedural engine "
                                     "instead", *result.notes))

    # -- cutting ---------------------------------------------------------------------------
    def _cut(self, audio: np.ndarray, rate: int, request: RenderRequest):
        n_source = max(int(round(request.duration_s * rate)), 1)
        bed = request.track_kind in choice.BED_KINDS or editing.is_steady(audio, rate)
        rng = np.random.default_rng(_seed(request.seed, request.caption))
        region = editing.choose_region(audio, rate, n_source, bed, rng)
        segment = audio[:, region.start:region.end]
        if region.looped:
            segment = editing.loop_to_length(segment, n_source, rate)
        segment = editing.fade_edges(np.array(segment, np.float32), rate)
        stereo = to_stereo(segment)
        if rate != SAMPLE_RATE:
            stereo = soxr.resample(stereo.T, rate, SAMPLE_RATE).T
        n = max(int(round(request.duration_s * SAMPLE_RATE)), 1)
        return editing.fit(np.ascontiguousarray(stereo, np.float32), n), region


def _identity(request: RenderRequest) -> tuple[str, str]:
    """(identity, its words): who is sounding, as the procedural engine names it ("dog",
    "dog:2" for another dog, "dog:rex" from a source cue)."""
    from engine.generation.procedural.matching import matcher
    from engine.generation.procedural.scene import source_identity

    family = matcher().match(request.caption, request.track_kind).primary.entry.family
    identity = source_identity(family, request.caption, dict(request.cues))
    return identity, family.replace("_", " ")


def _without_settings(request: RenderRequest) -> RenderRequest:
    from dataclasses import replace

    return replace(request, settings={})


def _name(search, file_id: int) -> str:
    return os.path.basename(search.index.rows([file_id], ("path",))[file_id][0])


def _seed(seed: int, caption: str) -> int:
    digest = hashlib.sha256(f"{seed}:{caption}".encode()).digest()
    return int.from_bytes(digest[:8], "little")
