"""Several files written as one (engine.atomic.staged_files): all appear, or none does and
every file that was there before is left as it was."""
from __future__ import annotations

import pytest

from engine.atomic import staged_files


def write_all(folder, contents: dict[str, str]) -> None:
    with staged_files() as staging:
        for name, text in contents.items():
            staging.path_for(folder / name).write_text(text)


def test_every_file_appears_together_and_replaces_the_old_one(tmp_path):
    (tmp_path / "master.wav").write_text("old master")
    write_all(tmp_path, {"master.wav": "new master", "stem.wav": "new stem"})
    assert (tmp_path / "master.wav").read_text() == "new master"
    assert (tmp_path / "stem.wav").read_text() == "new stem"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["master.wav", "stem.wav"]


def test_a_rename_failing_part_way_leaves_every_file_as_it_was(tmp_path):
    (tmp_path / "master.wav").write_text("old master")
    (tmp_path / "labels.txt").write_text("old labels")
    (tmp_path / "stem.wav").mkdir()  # a folder in the way: the third rename fails
    with pytest.raises(OSError):
        write_all(tmp_path, {"master.wav": "new master", "new.otio": "new timeline",
                             "stem.wav": "new stem", "labels.txt": "new labels"})
    assert (tmp_path / "master.wav").read_text() == "old master"  # renamed, then restored
    assert not (tmp_path / "new.otio").exists()  # renamed, then taken out again
    assert (tmp_path / "labels.txt").read_text() == "old labels"  # never reached
    assert (tmp_path / "stem.wav").is_dir()
    # no temporary or kept copy is left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels.txt", "master.wav",
                                                          "stem.wav"]


def test_an_error_before_the_commit_writes_nothing(tmp_path):
    (tmp_path / "master.wav").write_text("old master")
    with pytest.raises(RuntimeError), staged_files() as staging:
        staging.path_for(tmp_path / "master.wav").write_text("new master")
        raise RuntimeError("cancelled")
    assert [p.name for p in tmp_path.iterdir()] == ["master.wav"]
    assert (tmp_path / "master.wav").read_text() == "old master"
