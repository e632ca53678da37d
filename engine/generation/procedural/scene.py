"""Scene state shared across events: the acoustic space, the tone, who is who.

Nothing here depends on the event's own seed: regenerating one event with a new seed keeps
its room, its tone and the timbre of every source, and changes only the performance.

- The space comes from the event's cues ("place"), then its own caption and the captions
  of the events around it, then the story prompt; its reverb is seeded by the story seed and
  the space, so every event in the harbour hears the same harbour.
- A source's identity (the same dog, the same boat) is its recipe family plus the words
  that single it out ("the big dog", "a second dog"); its timbre and its place in the
  stereo field are seeded by the story seed and that identity.
- The tone (tense, calm, joyful, ...) shifts brightness and intensity the same way for every
  event that carries it (by `engine.model.tones`, the one tone table); an event with a
  neutral tone takes the tone of the events it overlaps.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from engine.generation.base import RenderRequest
from engine.generation.procedural import dsp
from engine.generation.procedural.effects import Space
from engine.model.story import TrackKind
from engine.model.tones import tone_shift

SPACES = {
    "open": Space("open", rt60_s=0.6, predelay_s=0.025, brightness=0.55, wet=0.12),
    "forest": Space("forest", rt60_s=1.0, predelay_s=0.015, brightness=0.4, wet=0.2),
    "street": Space("street", rt60_s=1.2, predelay_s=0.012, brightness=0.6, wet=0.18),
    "room": Space("room", rt60_s=0.5, predelay_s=0.004, brightness=0.5, wet=0.2),
    "hall": Space("hall", rt60_s=1.9, predelay_s=0.02, brightness=0.55, wet=0.3),
    "church": Space("church", rt60_s=3.8, predelay_s=0.03, brightness=0.5, wet=0.4),
    "cave": Space("cave", rt60_s=2.8, predelay_s=0.02, brightness=0.35, wet=0.45),
}
MUSIC_SPACE = Space("score", rt60_s=2.2, predelay_s=0.02, brightness=0.55, wet=0.3)
DEFAULT_SPACE = "open"

_SPACE_WORDS = {
    "open": ("sea", "ocean", "beach", "shore", "field", "meadow", "harbour", "harbor", "deck",
             "boat", "ship", "sky", "mountain", "hill", "farm", "garden", "park", "desert",
             "outside", "outdoors", "coast", "lake", "river", "pier", "dock", "yard", "plain",
             "camp", "campfire", "island", "valley", "cliff", "village", "storm", "rain"),
    "forest": ("forest", "woods", "jungle", "trees", "grove", "swamp", "marsh"),
    "street": ("street", "city", "town", "road", "alley", "traffic", "square", "market",
               "station", "platform", "downtown", "avenue", "car park", "parking"),
    "room": ("room", "kitchen", "bedroom", "house", "home", "office", "cabin", "apartment",
             "flat", "inside", "indoors", "attic", "study", "shop", "tavern", "pub", "cafe",
             "bar", "restaurant", "classroom", "hut", "bathroom", "hallway", "corridor"),
    "hall": ("hall", "theatre", "theater", "stadium", "arena", "gym", "warehouse", "factory",
             "ballroom", "palace", "castle", "museum", "library", "airport", "mall", "lobby"),
    "church": ("church", "cathedral", "chapel", "temple", "abbey", "monastery", "crypt"),
    "cave": ("cave", "cavern", "tunnel", "mine", "dungeon", "cellar", "sewer", "well",
             "underground", "vault", "basement"),
}
_WORD_TO_SPACE = {word: space for space, words in _SPACE_WORDS.items() for word in words}

# Words that say a source is not the one met before ("another dog", "a second boat").
# Other words ("the big dog", "a fishing boat") do not: the boat met again is "the boat".
_OTHER_WORDS = {"another": "2", "second": "2", "other": "2", "different": "2", "new": "2",
                "third": "3"}


@dataclass(frozen=True)
class SceneState:
    space: Space
    space_seed: int
    tone: str
    brightness_shift: float
    intensity_shift: float
    story_seed: int

    def identity_seed(self, identity: str) -> list[int]:
        return dsp.seed_of(self.story_seed, "source", identity)

    def to_json(self) -> dict:
        return {"space": self.space.name, "room_seed": self.space_seed, "tone": self.tone,
                "brightness_shift": self.brightness_shift,
                "intensity_shift": self.intensity_shift}


def scene_for(request: RenderRequest) -> SceneState:
    if request.track_kind == TrackKind.MUSIC:
        space = MUSIC_SPACE
    else:
        space = SPACES[space_name(request)]
    tone = scene_tone(request)
    brightness, intensity = tone_shift(tone)
    return SceneState(space=space, space_seed=dsp.int_seed(request.story_seed, "space", space.name),
                      tone=tone,
                      brightness_shift=brightness, intensity_shift=intensity,
                      story_seed=request.story_seed)


def space_name(request: RenderRequest) -> str:
    for key in ("place", "location", "space", "setting"):
        value = request.cues.get(key)
        if value:
            found = _spaces_in(value)
            if found:
                return found.most_common(1)[0][0]
    votes = _spaces_in(request.caption) + Counter()
    for neighbour in request.context:
        votes.update(_spaces_in(neighbour.caption))
    if not votes:
        votes = _spaces_in(request.story_prompt)
    if not votes:
        return DEFAULT_SPACE
    best = max(votes.values())  # ties: the more enclosed space wins (a door is inside)
    order = ("cave", "church", "hall", "room", "street", "forest", "open")
    return next(name for name in order if votes.get(name) == best)


def _spaces_in(text: str) -> Counter:
    words = re.findall(r"[a-z]+", text.lower())
    return Counter(_WORD_TO_SPACE[w] for w in words if w in _WORD_TO_SPACE)


def scene_tone(request: RenderRequest) -> str:
    tone = (request.tone or "neutral").lower()
    if tone != "neutral":
        return tone
    around = Counter(n.tone.lower() for n in request.context
                     if n.relation == "during" and n.tone and n.tone.lower() != "neutral")
    return around.most_common(1)[0][0] if around else "neutral"


def source_identity(family: str, caption: str, cues: dict) -> str:
    """Who is sounding: the recipe family ("dog"), a named source from the cues, or the
    family marked as another one ("another dog" is dog:2)."""
    named = cues.get("source") or cues.get("character")
    if named:
        return f"{family}:{named.strip().lower()}"
    words = re.findall(r"[a-z]+", caption.lower())
    marks = sorted({_OTHER_WORDS[w] for w in words if w in _OTHER_WORDS})
    return family + (":" + marks[-1] if marks else "")


def place_of_source(identity_rng: np.random.Generator, spatial: bool) -> float:
    """A stereo position for a source, fixed by its identity (the dog stays on the left)."""
    return float(identity_rng.uniform(-0.6, 0.6)) if spatial else 0.0
