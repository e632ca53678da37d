"""How fast the library indexes and searches.

    .venv/bin/python benchmarks/library_speed.py [--files N] [--search-files N]

1. Indexing: a generated library of N short recordings (default 600; 1-4 s, 44.1/48 kHz,
   mono and stereo, 16/24-bit WAV, a quarter with a bext description), named the way
   libraries are: 40 folders of UCS-named series of variations (`DOORWood_Slam Heavy 03_...`).
   Scanned into a fresh index: files per second (wall clock, and per CPU second, which a busy
   machine disturbs less), with every file read, measured (loudness, peak, overview), its
   tags parsed and its texts embedded. Then the same number of files whose names share
   nothing (every text new to the embedder: the worst case), and a rescan with nothing
   changed.
2. Search: an index of N files (default 50,000) generated straight into SQLite with the
   vectors and words real files would get; the time of `LibrarySearch.search` (query
   embedding, matrix product, word and category boosts, top-20 rows), median and maximum
   of 50 queries once the index is in memory (each as if new: the query-vector and word
   caches are emptied first), and the first search that loads it.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.library import LibraryIndex, LibrarySearch, normalise_folder, scan_folders  # noqa: E402
from engine.library.describe import combine  # noqa: E402
from engine.library.search import query_embedding  # noqa: E402
from tests.support.library import add_bwf  # noqa: E402

SERIES = [
    ("DOORWood", "Slam Heavy"), ("DOORMetl", "Creak Open Slow"), ("ANMLDog", "Bark Aggressive"),
    ("ANMLCat", "Meow Hungry"), ("BIRDSong", "Robin Chirp"), ("RAINMetl", "Heavy On Tin Roof"),
    ("RAINGlas", "Drizzle On Window"), ("WINDGust", "Strong Gusts Trees"), ("FIRECrkl", "Campfire"),
    ("WATRFlow", "Creek Babbling"), ("WATRWave", "Surf Pebble Beach"), ("FEETHmn", "Boots Gravel"),
    ("FEETHmn", "Heels Marble Hall"), ("VEHCar", "Pass By Fast"), ("VEHCar", "Engine Start Idle"),
    ("TRNSteam", "Locomotive Depart"), ("AEROHeli", "Hover Close"), ("ALRMSirn", "Police Wail"),
    ("CRWDWalla", "Cafe Busy"), ("CRWDApls", "Theatre Applause"), ("GUNHand", "Pistol Shot"),
    ("EXPLReal", "Large Distant"), ("GLASBrk", "Bottle Smash"), ("CLOCKTick", "Wall Clock"),
    ("BELLChrch", "Toll Large"), ("AMBForst", "Dawn Birds"), ("AMBUrbn", "Street Night"),
    ("AMBRoom", "Tone Office"), ("WTHRThun", "Rolling Distant"), ("METLImpt", "Pipe Hit"),
    ("WOODBrk", "Branch Snap"), ("PAPRRip", "Newspaper Tear"), ("COMPKey", "Typing Fast"),
    ("MACHFan", "Ceiling Fan Hum"), ("ELECBuzz", "Neon Sign"), ("HMNBrth", "Heavy Breathing"),
    ("VOXScrm", "Female Terror"), ("WHSTHmn", "Whistle Call"), ("TOOLPowr", "Drill Wood"),
    ("ZIPMisc", "Jacket Zipper"),
]


def write_library(root: Path, count: int, unique: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    for i in range(count):
        cat_id, fx = SERIES[i % len(SERIES)]
        folder = root / (f"Folder {i}" if unique else f"{cat_id[:4]} Library")
        folder.mkdir(parents=True, exist_ok=True)
        if unique:  # names that share nothing: every text is new to the embedder
            name = f"take{i}_{rng.choice(['soft', 'hard', 'odd', 'quick'])} sample {i}.wav"
            name = f"{''.join(chr(97 + int(c)) for c in str(i * 7919))} {name}"
        else:
            name = f"{cat_id}_{fx} {i // len(SERIES) + 1:02d}_ACME_{cat_id[:4].title()}.wav"
        rate = (44_100, 48_000)[i % 2]
        channels = 1 + i % 2
        seconds = 1.0 + 3.0 * rng.random()
        audio = (0.2 * rng.standard_normal((int(seconds * rate), channels))).astype(np.float32)
        path = folder / name
        sf.write(path, audio, rate, subtype=("PCM_16", "PCM_24")[i % 2])
        if i % 4 == 0:
            add_bwf(path, f"{fx} recorded with a shotgun microphone, take {i}")


def timed_scan(index: LibraryIndex, folder: Path) -> tuple[float, float, int]:
    index.add_folder(normalise_folder(folder))
    wall, cpu = time.perf_counter(), time.process_time()
    report = scan_folders(index, [str(folder)])
    return time.perf_counter() - wall, time.process_time() - cpu, report.indexed


def generated_index(path: Path, count: int) -> LibraryIndex:
    """An index of `count` files, written straight into SQLite with real field vectors."""
    from engine.text.embeddings import embed

    index = LibraryIndex(path)
    names = [fx.lower() for _, fx in SERIES]
    moods = ["close", "distant", "heavy", "light", "interior", "exterior", "slow", "fast"]
    folders = [f"library {n}" for n in range(60)]
    texts = sorted(set(names) | set(folders) | {f"{n} {m}" for n in names for m in moods})
    vectors = dict(zip(texts, embed(texts)))
    rng = np.random.default_rng(3)
    now = time.time()
    with index.transaction() as db:
        for i in range(count):
            cat_id, fx = SERIES[i % len(SERIES)]
            name = f"{fx.lower()} {moods[rng.integers(len(moods))]}"
            folder = folders[i % len(folders)]
            vector = combine({"name": vectors[name], "category": vectors[fx.lower()],
                              "folders": vectors[folder]})
            LibraryIndex.put_file(db, {
                "path": f"/sfx/{folder}/{cat_id}_{name.title()} {i}_ACME_Gen.wav",
                "folder": "/sfx", "size": 1, "mtime_ns": 1, "duration_s": 1 + i % 30,
                "sample_rate": 48_000, "channels": 2, "format": "WAV", "decoder": "libsndfile",
                "loudness_lufs": -20.0, "peak_dbfs": -3.0, "cat_id": cat_id, "category": "",
                "subcategory": "", "fx_name": name, "description": "", "bext_description": "",
                "ixml": "{}", "folder_words": folder, "words": f"{name} {folder}",
                "vector": np.asarray(vector, np.float16).tobytes(), "overview": bytes(96),
                "indexed_at": now})
    return index


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=600)
    parser.add_argument("--search-files", type=int, default=50_000)
    args = parser.parse_args()
    from engine.text.embeddings import encoder

    encoder()  # the model loads once per process: not part of either figure
    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        for label, unique in (("library-style names", False), ("names sharing nothing", True)):
            folder = temp / ("unique" if unique else "series")
            write_library(folder, args.files, unique, seed=int(unique))
            with LibraryIndex(temp / f"{folder.name}.sqlite") as index:
                wall, cpu, count = timed_scan(index, folder)
                print(f"index {count} files ({label}): {wall:.2f} s, {count / wall:.0f} files/s "
                      f"wall, {count / cpu:.0f} files per CPU-second")
                if not unique:
                    started = time.perf_counter()
                    report = scan_folders(index)
                    print(f"rescan, nothing changed: {time.perf_counter() - started:.2f} s "
                          f"({report.unchanged} unchanged)")
        index = generated_index(temp / "big.sqlite", args.search_files)
        search = LibrarySearch(index)
        queries = ["a heavy door slams", "rain on a tin roof", "a dog barking in the distance",
                   "footsteps on gravel", "a police siren", "wind through the trees",
                   "someone typing on a keyboard", "a distant explosion", "a cafe crowd",
                   "a church bell tolls"] * 5
        started = time.perf_counter()
        search.search(queries[0], 20)
        first = time.perf_counter() - started
        times = []
        for query in queries:
            query_embedding.cache_clear()  # every query as if new: no cached vector or words
            search.matrix()._word_rows.clear()
            started = time.perf_counter()
            results = search.search(query, 20)
            times.append(time.perf_counter() - started)
        assert len(results) == 20
        print(f"search {args.search_files} files: median {statistics.median(times) * 1000:.1f} ms, "
              f"max {max(times) * 1000:.1f} ms over {len(times)} queries; first search "
              f"(loads the vectors) {first * 1000:.0f} ms")
        index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
