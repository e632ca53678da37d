"""The loudness presets: one table for the master bus, the command line and the menus."""
from __future__ import annotations

import pytest

from engine.errors import InvalidInput
from engine.mix.loudness_targets import LOUDNESS_PRESETS, LOUDNESS_TARGETS, target_lufs


def test_every_preset_has_a_target_a_menu_label_and_a_help_summary():
    assert LOUDNESS_TARGETS == {"ebu": -23.0, "podcast": -16.0, "streaming": -14.0,
                                "none": None}
    labels = [preset.label for preset in LOUDNESS_PRESETS]
    assert labels == ["EBU R 128 (\N{MINUS SIGN}23 LUFS)", "Podcast (\N{MINUS SIGN}16 LUFS)",
                      "Streaming (\N{MINUS SIGN}14 LUFS)", "None (mix as is)"]
    assert [preset.summary for preset in LOUDNESS_PRESETS] == ["ebu -23", "podcast -16",
                                                              "streaming -14", "none"]


def test_an_unknown_preset_is_one_clear_line():
    assert target_lufs("podcast") == -16.0
    with pytest.raises(InvalidInput, match="unknown loudness preset 'loud'; choose one of: "
                                           "ebu, podcast, streaming, none"):
        target_lufs("loud")
