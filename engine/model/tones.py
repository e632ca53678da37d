"""Tones: the one table of the moods a scene can have, and what each does to its sound.

The planner picks a tone per scene, the inspector offers the same list, and the procedural
engine shifts every sound of a scene by the tone's brightness and intensity. Other words for
a tone ("ominous", "serene") are aliases of the one it sounds like.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tone:
    name: str
    brightness: float  # shift of the spectral tilt, -1 dark ... +1 bright (small values)
    intensity: float   # shift of the performance intensity, -1 soft ... +1 hard
    aliases: tuple[str, ...] = ()


TONES: tuple[Tone, ...] = (
    Tone("neutral", 0.0, 0.0),
    Tone("calm", -0.05, -0.15, ("peaceful", "serene", "gentle", "quiet", "relaxed")),
    Tone("tense", -0.12, 0.12, ("ominous", "scary", "suspense", "suspenseful", "dark",
                                "threatening", "anxious")),
    Tone("eerie", -0.1, 0.0, ("creepy", "haunting", "uncanny")),
    Tone("mysterious", -0.08, -0.05, ("mystery", "strange")),
    Tone("joyful", 0.12, 0.1, ("happy", "festive", "cheerful")),
    Tone("playful", 0.1, 0.05, ("whimsical", "light")),
    Tone("melancholic", -0.1, -0.12, ("sad", "sorrowful", "mournful", "wistful")),
    Tone("busy", 0.05, 0.1, ("bustling", "hectic", "lively")),
    Tone("solemn", -0.08, -0.08, ("grave", "sombre", "somber", "reverent")),
    Tone("epic", 0.05, 0.18, ("triumphant", "heroic", "grand", "action", "exciting")),
    Tone("dramatic", 0.0, 0.15, ("intense",)),
    Tone("romantic", 0.03, -0.1, ("tender", "warm", "intimate")),
)
TONE_NAMES: tuple[str, ...] = tuple(tone.name for tone in TONES)
_BY_WORD = {word: tone for tone in TONES for word in (tone.name, *tone.aliases)}


def canonical_tone(word: str) -> str:
    """The table's name for a tone word ("serene" -> "calm"); unknown words are neutral."""
    tone = _BY_WORD.get((word or "").strip().lower())
    return tone.name if tone else "neutral"


def tone_shift(word: str) -> tuple[float, float]:
    """(brightness, intensity) shift of a tone word; (0, 0) for neutral or unknown words."""
    tone = _BY_WORD.get((word or "").strip().lower())
    return (tone.brightness, tone.intensity) if tone else (0.0, 0.0)
