"""The loudness every take is delivered at, by the kind of track it sits on.

Generators normalise their takes to these (integrated, ITU-R BS.1770, LUFS), so clips of one
kind sit together before any fader is touched and the master bus only has to trim:

    effects   -20   foreground sounds: a door, a dog, a car
    speech    -20   voices sit with the effects (each line on its own)
    music     -24   a score under the action
    ambience  -28   beds sit well under everything else
"""
from __future__ import annotations

from engine.model.story import TrackKind

TAKE_TARGET_LUFS: dict[TrackKind, float] = {
    TrackKind.EFFECTS: -20.0, TrackKind.SPEECH: -20.0, TrackKind.MUSIC: -24.0,
    TrackKind.AMBIENCE: -28.0}
DEFAULT_TARGET_LUFS = -22.0


def take_target_lufs(track_kind: str) -> float:
    try:
        return TAKE_TARGET_LUFS[TrackKind(track_kind)]
    except ValueError:
        return DEFAULT_TARGET_LUFS
