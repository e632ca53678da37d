"""The library index on a library made here: UCS names, bext and iXML, several formats, a
16-channel file, a damaged file, a file that is not audio; scans, rescans, search, and a
reader searching while a scan writes."""
from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from engine.library import LibraryBusy, LibraryIndex, LibrarySearch, normalise_folder, scan_folders
from engine.library.tags import read_tags
from engine.library.ucs import categories_named, parse_name
from tests.support.library import add_bwf, bark, make_library


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    root = tmp_path_factory.mktemp("sfx")
    files = make_library(root, with_m4a=False)
    index = LibraryIndex(tmp_path_factory.mktemp("index") / "library.sqlite")
    index.add_folder(normalise_folder(root))
    report = scan_folders(index)
    yield root, files, index, report
    index.close()


def names(results) -> list[str]:
    return [Path(r.path).name for r in results]


def test_ucs_names_are_parsed_into_category_subcategory_and_fx_name():
    name = parse_name("RAINMetl_Heavy On Tin Roof_JD_Storms.wav")
    assert (name.cat_id, name.category, name.subcategory) == ("RAINMetl", "RAIN", "METAL")
    assert (name.fx_name, name.creator_id, name.source_id) == ("Heavy On Tin Roof", "JD", "Storms")
    user = parse_name("DOORWood-Barn_Creak Open Slow_AB_Farm.flac")
    assert (user.cat_id, user.user_category, user.fx_name) == ("DOORWood", "Barn", "Creak Open Slow")
    assert parse_name("RAINHeavy_Downpour.wav").category == "RAIN"  # a CatID not listed: its prefix
    assert parse_name("morning birds.wav") is None
    assert parse_name("HELLO_World.wav") is None
    assert parse_name("WINDGust_Strong 2.5_AB_Hill").fx_name == "Strong 2.5"
    assert "WTHRThun" in categories_named(["thunder"])
    assert "ANMLDog" in categories_named(["dogs"])


def test_bext_and_ixml_are_read_and_hostile_xml_is_refused(tmp_path):
    path = tmp_path / "a.wav"
    sf.write(path, bark(48_000, 1), 48_000)
    add_bwf(path, "Dog barking twice", '<?xml version="1.0"?><BWFXML><NOTE>take 3</NOTE>'
            "<USER><FXNAME>Bark Twice</FXNAME><KEYWORDS>dog, bark</KEYWORDS></USER></BWFXML>")
    tags = read_tags(path)
    assert tags.bext_description == "Dog barking twice"
    assert tags.bext_originator == "Test Recorder"
    assert tags.ixml == {"NOTE": "take 3", "FXNAME": "Bark Twice", "KEYWORDS": "dog, bark"}
    bomb = tmp_path / "bomb.wav"
    sf.write(bomb, bark(48_000, 1), 48_000)
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    add_bwf(bomb, "", f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "lol">{lol}]>'
            "<BWFXML><NOTE>&l9;</NOTE></BWFXML>")
    started = time.perf_counter()
    assert read_tags(bomb).ixml == {}
    assert time.perf_counter() - started < 1.0


def test_a_scan_indexes_every_readable_format_and_skips_the_rest_with_a_reason(library):
    root, files, index, report = library
    assert report.added == 9
    indexed = {Path(row[0]).name: row[1:] for row in index.query(
        "SELECT path, format, channels, sample_rate, duration_s, loudness_lufs, peak_dbfs, "
        "category, subcategory, cat_id FROM files")}
    for key in ("dog_close", "rain", "thunder", "knock", "steps", "birds", "forest_16ch"):
        assert files[key].name in indexed, key
    fmt, channels, rate, duration, lufs, peak, category, sub, cat_id = indexed[files["rain"].name]
    assert (fmt, channels, rate, category, sub, cat_id) == ("WAV", 2, 48_000, "RAIN", "METAL",
                                                            "RAINMetl")
    assert duration == pytest.approx(3.0)
    assert -30 < lufs < -5 and -12 < peak <= 0
    assert indexed[files["forest_16ch"].name][1] == 16
    assert indexed[files["knock"].name][0] == "AIFF"
    assert indexed[files["thunder"].name][0] == "FLAC"
    skipped = {Path(path).name: reason for path, reason in report.skipped}
    assert set(skipped) == {files["damaged"].name, files["not_audio"].name}
    assert all("not a readable audio file" in reason for reason in skipped.values())
    assert "readme.txt" not in str(index.skipped())
    row = index.query("SELECT description, ixml, words FROM files WHERE path=?",
                      (str(files["rain"]),))[0]
    assert "corrugated tin roof" in row[0] and "Heavy rain drumming" in row[0]
    assert '"KEYWORDS": "rain, downpour, roof, storm"' in row[1]
    assert "weather" in row[2] and "storms" in row[2]  # folder words


@pytest.mark.parametrize("query, expected", [
    ("a dog barking", "ANMLDog_Bark Close Aggressive"),
    ("heavy rain on a metal roof", "RAINMetl_Heavy On Tin Roof"),
    ("thunder rumbling far away", "WTHRThun_Rolling Thunder"),
    ("someone knocks on a wooden door", "DOORWood_Knock Three Times"),
    ("footsteps walking on gravel", "gravel walk slow"),
    ("songbirds in the morning", "morning songbirds"),
    ("dawn in a forest", "AMBForst_Forest Dawn"),
])
def test_search_ranks_the_named_sound_first(library, query, expected):
    results = LibrarySearch(library[2]).search(query, 3)
    assert names(results)[0].startswith(expected), names(results)
    assert results[0].score > results[-1].score


def test_search_boosts_exact_words_and_the_ucs_category(library):
    search = LibrarySearch(library[2])
    terrier = search.search("terrier", 1)[0]
    assert "Terrier" in terrier.path  # the one file whose words hold it
    dogs = search.search("dog", 3)
    assert all(r.cat_id == "ANMLDog" for r in dogs)
    assert dogs[0].category_label == "ANIMALS / DOG"
    assert set(dogs[0].to_json()) >= {"path", "score", "duration_s", "category"}


def test_rescan_finds_new_changed_and_removed_files(tmp_path):
    root = tmp_path / "sfx"
    files = make_library(root, with_m4a=False)
    with LibraryIndex(tmp_path / "index.sqlite") as index:
        index.add_folder(normalise_folder(root))
        scan_folders(index)
        again = scan_folders(index)
        assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 11)
        files["thunder"].unlink()
        sf.write(files["knock"], bark(48_000, 9), 48_000, format="AIFF")  # changed
        os.utime(files["knock"], ns=(time.time_ns(), time.time_ns() + 10**9))
        new = root / "House" / "DOORMetl_Slam Heavy_TST_House.wav"
        sf.write(new, bark(48_000, 8), 48_000)
        files["not_audio"].unlink()  # a skipped file that is gone is forgotten too
        report = scan_folders(index)
        assert (report.added, report.updated, report.removed) == (1, 1, 1)
        assert report.unchanged == 8
        paths = {Path(p).name for (p,) in index.query("SELECT path FROM files")}
        assert new.name in paths and files["thunder"].name not in paths
        assert [Path(s.path).name for s in index.skipped()] == [files["damaged"].name]
        assert LibrarySearch(index).search("a heavy metal door slams", 1)[0].path == str(new)
        shutil.move(root, tmp_path / "unplugged")
        report = scan_folders(index)
        assert report.unreachable == [normalise_folder(root)]
        assert index.file_count() == 9  # an unreachable folder keeps its files
        assert index.remove_folder(normalise_folder(root)) == 9
        assert index.file_count() == 0 and index.folder_paths() == []


def test_only_one_scan_at_a_time(tmp_path):
    with LibraryIndex(tmp_path / "index.sqlite") as index, index.writer():
        with LibraryIndex(tmp_path / "index.sqlite") as other:
            with pytest.raises(LibraryBusy, match="being scanned by process"):
                scan_folders(other, [str(tmp_path)])


def test_a_reader_searches_while_a_scan_writes(tmp_path):
    root = tmp_path / "big"
    root.mkdir()
    rng = np.random.default_rng(1)
    words = ["Rain Heavy", "Door Slam", "Dog Bark", "Wind Gust", "Fire Crackle", "Car Pass"]
    ids = ["RAINMisc", "DOORMisc", "ANMLDog", "WINDGust", "FIRECrkl", "VEHCar"]
    for i in range(160):
        k = i % len(words)
        sf.write(root / f"{ids[k]}_{words[k]} {i:03d}_TST_Bulk.wav",
                 (0.1 * rng.standard_normal(4_800)).astype(np.float32), 48_000)
    path = tmp_path / "index.sqlite"
    writer, reader = LibraryIndex(path), LibraryIndex(path)
    writer.add_folder(normalise_folder(root))
    failures, seen = [], []

    def scan():
        try:
            scan_folders(writer)
        except Exception as exc:  # reported by the assertion below
            failures.append(exc)

    thread = threading.Thread(target=scan)
    search = LibrarySearch(reader)
    thread.start()
    while thread.is_alive():
        seen.append(len(search.search("a dog barking", 200)))
        time.sleep(0.02)
    thread.join()
    seen.append(len(search.search("a dog barking", 200)))
    assert not failures
    assert seen[-1] == 160 and min(seen) < 160  # it read the index while the scan wrote it
    assert seen == sorted(seen)  # committed batches only: the count never goes back
    assert all(Path(r.path).name.startswith("ANMLDog") for r in search.search("dog", 10))
    writer.close()
    reader.close()


def test_a_file_name_that_is_not_text_is_skipped_and_the_scan_goes_on(tmp_path):
    root = tmp_path / "lib"
    root.mkdir()
    sf.write(root / "ANMLDog_Bark_TST_A.wav", bark(48_000, 1), 48_000)
    (Path(os.fsdecode(os.fsencode(str(root)) + b"/bad\xff name.wav"))).write_bytes(
        (root / "ANMLDog_Bark_TST_A.wav").read_bytes())
    with LibraryIndex(tmp_path / "index.sqlite") as index:
        index.add_folder(normalise_folder(root))
        report = scan_folders(index)
    assert report.added == 1
    [(shown, reason)] = report.skipped
    assert shown.endswith("name.wav") and reason == "its name is not valid UTF-8; rename the file"


def test_a_damaged_index_is_one_clear_error(tmp_path):
    from engine.errors import ProjectError

    broken = tmp_path / "library.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ProjectError, match="cannot be opened .*move it aside"):
        LibraryIndex(broken)
