"""The cast: which voice each speaker of a story gets.

A story's speakers are cast once, in order of appearance, so two characters never share a
voice and a speaker keeps theirs for the whole story (the voice is stored on every line, so
a later edit never recasts anyone). A voice is a persona — a kind (male, female, child,
narrator) and which one of that kind — that each engine maps onto one of its own voices.
The kind comes from the speaker's words ("the old captain", "his daughter", "a girl").
"""
from __future__ import annotations

import hashlib
import re

from engine.generation.speech.engines import Persona

NARRATOR = "narrator"
_FEMALE_WORDS = {
    "woman", "women", "girl", "lady", "mother", "mum", "mom", "grandmother", "grandma",
    "daughter", "sister", "wife", "queen", "princess", "aunt", "she", "her", "nurse", "witch",
    "widow", "bride", "duchess", "madam", "miss", "mrs", "ms"}
_CHILD_WORDS = {"girl", "boy", "child", "kid", "toddler", "baby", "children", "kids"}
_VOICE = re.compile(r"^(male|female|child|narrator)-(\d{1,2})$")


def persona_of(voice: str) -> Persona | None:
    """A stored voice name ("male-2") as a persona; None for anything else."""
    match = _VOICE.match(voice or "")
    return Persona(match.group(1), int(match.group(2)) - 1) if match else None


def voice_name(persona: Persona) -> str:
    return f"{persona.kind}-{persona.index + 1}"


def kind_of(speaker: str) -> str:
    """The kind of voice a speaker's description suggests (male when it says nothing)."""
    words = set(re.findall(r"[a-z]+", (speaker or "").lower()))
    if not words or words & {NARRATOR, "storyteller"}:
        return NARRATOR if words else "male"
    if words & _CHILD_WORDS:
        return "child"  # "a little girl", "the boy": a child's voice before a woman's or man's
    if words & _FEMALE_WORDS:
        return "female"
    return "male"


def cast_speakers(speakers: list[str], story_seed: int) -> dict[str, str]:
    """Voices for every speaker, in order of appearance; distinct within each kind.

    The story seed only decides where in each kind's list the casting starts, so a new seed
    gives a different but equally distinct cast.
    """
    cast: dict[str, str] = {}
    used: dict[str, int] = {}
    for speaker in speakers:
        key = normalise(speaker)
        if key in cast:
            continue
        kind = kind_of(speaker)
        start = _digest(f"{story_seed}:{kind}") % 4
        index = start + used.get(kind, 0)
        used[kind] = used.get(kind, 0) + 1
        cast[key] = voice_name(Persona(kind, index))
    return cast


def persona_for(speaker: str, story_seed: int) -> Persona:
    """A voice for a speaker nobody cast (a clip added by hand): stable for the speaker."""
    kind = kind_of(speaker)
    return Persona(kind, _digest(f"{story_seed}:{normalise(speaker)}") % 4)


def normalise(speaker: str) -> str:
    words = re.findall(r"[a-z0-9]+", (speaker or "").lower())
    return " ".join(w for w in words if w not in {"the", "a", "an"}) or NARRATOR


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")
