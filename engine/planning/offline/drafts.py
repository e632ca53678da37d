"""Draft sound events: what the reader found, before timing turns ranks into seconds."""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.model.story import TrackKind
from engine.planning.offline.speech import SpokenLine

STOP_OFFSET = 0.5  # a bed the text stops ends half way through that clause's slot
STOP_WITH_OFFSET = 0.15  # ... or just after the sound it stops with begins ("X, the Y stops")
PHENOMENON, PLACE, COMBINATION, FALLBACK, TEXT, STOPPED = (
    "phenomenon", "place", "combination", "fallback", "text", "stopped")  # where a bed came from


@dataclass(eq=False)  # identity matters: a recurring sound points at the bed it lives in
class DraftEvent:
    caption: str
    kind: TrackKind
    rank: float                   # order in the story; equal ranks happen together
    scene: int                    # index of the scene it plays in
    bed: bool = False             # spans from `rank` to `end_rank` (or the scene's end)
    end_rank: float | None = None
    end_scene: int | None = None  # a bed carried on: it runs to the end of this scene
    impulsive: bool = False       # a short hit (a knock, a crash) rather than a process
    implied: bool = False         # not named by the text; the scene implies it
    offset: float = 0.0           # where in its rank's slot it starts (0..1)
    soundness: float = 1.0
    cues: dict[str, str] = field(default_factory=dict)
    tone: str = "neutral"
    voice: bool = False           # one person's voice without quoted words ("he curses")
    walla: bool = False           # several people talking ("passengers talk"): a bed
    source: tuple[str, ...] = ()  # what the bed is part of ("storm"): "the storm passes" ends it
    recurring: tuple[str, ...] = ()  # caption variants of a sound that comes back (thunder)
    span_of: DraftEvent | None = None  # the bed a recurring sound comes back within
    origin: str = TEXT            # what made it: the text, a phenomenon, a place, a fallback
    action: bool = False          # someone doing something audible ("climbs the stairs")
    gain_db: float = 0.0          # level the text gives it ("distant": lower)
    pan: float = 0.0              # where the text puts it ("to the left": -0.6)
    fresh: bool = False           # a bed that marks a change (never one with the bed before)
    from_rank: float | None = None  # a bed that starts part way into its moment (after a stop)
    line: SpokenLine | None = None  # a quoted line: its words, who says them, and how
