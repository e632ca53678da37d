"""The loudness presets a master can be delivered at: one table for the master bus, the
command line and the editor's menus (no numerical code here, so listing them is free)."""
from __future__ import annotations

from dataclasses import dataclass

from engine.errors import InvalidInput


@dataclass(frozen=True)
class LoudnessPreset:
    name: str  # what users type: ebu, podcast, ...
    title: str  # what menus show
    target_lufs: float | None  # None: no normalisation (the limiter still keeps the ceiling)

    @property
    def label(self) -> str:
        """`EBU R 128 (−23 LUFS)`: the title with its target, as the editor lists it."""
        if self.target_lufs is None:
            return f"{self.title} (mix as is)"
        return f"{self.title} ({self.target_lufs:g} LUFS)".replace("-", "\N{MINUS SIGN}")

    @property
    def summary(self) -> str:
        """`ebu -23`: for command-line help."""
        return self.name if self.target_lufs is None else f"{self.name} {self.target_lufs:g}"


LOUDNESS_PRESETS: tuple[LoudnessPreset, ...] = (
    LoudnessPreset("ebu", "EBU R 128", -23.0),  # broadcast
    LoudnessPreset("podcast", "Podcast", -16.0),
    LoudnessPreset("streaming", "Streaming", -14.0),
    LoudnessPreset("none", "None", None),
)
LOUDNESS_TARGETS: dict[str, float | None] = {p.name: p.target_lufs for p in LOUDNESS_PRESETS}
DEFAULT_LOUDNESS = "ebu"


def loudness_preset(name: str) -> LoudnessPreset:
    for preset in LOUDNESS_PRESETS:
        if preset.name == name:
            return preset
    raise InvalidInput(f"unknown loudness preset {name!r}; choose one of: "
                       f"{', '.join(LOUDNESS_TARGETS)}.")


def target_lufs(name: str | float) -> float | None:
    """The integrated loudness a preset delivers (None: the mix as it is); a number is a
    LUFS value already (a generator levelling a take to its track's target)."""
    if isinstance(name, str):
        return loudness_preset(name).target_lufs
    return float(name)
