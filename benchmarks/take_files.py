"""Take files on disk: how long writing and reading a story's takes takes, and how much
space they use, as 32-bit float WAV (the take format) beside 24-bit FLAC at the default and
the fastest compression level.

    .venv/bin/python benchmarks/take_files.py [--story 180]

The takes are the offline planner's and the procedural engine's for the harbour story of
benchmarks/procedural_speed.py; each is written atomically (temp file, fsync, rename) as
the project does.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.story_speed import HARBOUR_STORY  # noqa: E402
from engine.atomic import atomic_path  # noqa: E402

FORMATS = {
    "float WAV (takes)": dict(format="WAV", subtype="FLOAT", extension=".wav"),
    "FLAC 24-bit, level 5": dict(format="FLAC", subtype="PCM_24", extension=".flac"),
    "FLAC 24-bit, level 0": dict(format="FLAC", subtype="PCM_24", extension=".flac",
                                 compression_level=0.0),
}


def story_takes(seconds: float) -> list:
    from engine.generation import get_generator
    from engine.planning import PlanRequest, get_planner, story_from_plan
    from engine.render.context import render_request

    plan = get_planner("offline").plan(PlanRequest(HARBOUR_STORY, seconds, 1))
    story = story_from_plan(plan, HARBOUR_STORY, seed=1)
    generator = get_generator("procedural")
    return [generator.render(render_request(story, event)) for event in story.events]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--story", type=float, default=180.0, help="story length in seconds")
    args = parser.parse_args(argv)
    takes = story_takes(args.story)
    audio_s = sum(t.audio.shape[1] / t.sample_rate for t in takes)
    print(f"{len(takes)} takes, {audio_s:.0f} s of stereo audio in all")
    print(f"{'format':24s} {'write s':>8s} {'CPU s':>7s} {'read s':>7s} {'MB':>8s}")
    for name, options in FORMATS.items():
        options = dict(options)
        extension = options.pop("extension")
        with tempfile.TemporaryDirectory(prefix="take_files-", dir=ROOT) as folder:
            start, cpu = time.perf_counter(), time.process_time()
            paths = []
            for index, take in enumerate(takes):
                path = Path(folder) / f"t{index}{extension}"
                with atomic_path(path) as temp:
                    sf.write(str(temp), take.audio.T, take.sample_rate, **options)
                paths.append(path)
            wrote, cpu = time.perf_counter() - start, time.process_time() - cpu
            start = time.perf_counter()
            for path in paths:
                sf.read(str(path), dtype="float32")
            read = time.perf_counter() - start
            size = sum(p.stat().st_size for p in paths) / 1e6
        print(f"{name:24s} {wrote:8.2f} {cpu:7.2f} {read:7.2f} {size:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
