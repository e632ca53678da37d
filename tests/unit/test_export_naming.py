"""Stem file names: every file of an export gets its own name."""
from __future__ import annotations

from engine.export.naming import safe_name, unique
from engine.export.settings import ExportSettings, check_export
from engine.model.story import Story, Track, TrackKind


def test_repeated_names_are_numbered():
    assert unique(["Rain", "Wind", "rain", "Rain"]) == ["Rain", "Wind", "rain 2", "Rain 3"]


def test_a_number_never_repeats_a_name_another_entry_has():
    names = unique(["Rain", "Rain", "Rain 2", "Rain 2", "rain 3"])
    assert len({name.lower() for name in names}) == len(names), names
    assert names[0] == "Rain" and names[2] == "Rain 2" and names[4] == "rain 3"


def test_names_are_safe_on_every_file_system():
    assert safe_name('a/b:c*?"<>| d.') == "a b c d"
    assert safe_name("   ") == "untitled"


def test_tracks_whose_names_collide_still_export_one_stem_each(tmp_path):
    """Two tracks called Rain and a third called Rain 2 used to be refused (`Storm - Rain 2`
    twice: "would be written twice"); now each gets its own file."""
    story = Story(title="Storm", duration=48_000, tracks=[
        Track(id=f"t{i}", name=name, kind=TrackKind.AMBIENCE)
        for i, name in enumerate(["Rain", "Rain", "Rain 2"])])
    planned = check_export(story, ExportSettings(tmp_path / "storm.wav", stems_dir=tmp_path))
    stems = [item.path.name for item in planned if item.kind == "stem"]
    assert stems == ["storm - Rain.wav", "storm - Rain 3.wav", "storm - Rain 2.wav"]
