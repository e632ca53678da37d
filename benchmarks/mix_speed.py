"""Mixing and export speed on a long story: 60 minutes, 200 events on 4 tracks, 48 kHz stereo.

Prints, for one run on this machine:
- the mix (placing every clip with its fades and crossfades into 4 stems and summing them),
  in seconds and as a real-time factor, and its ratio to the memory-bandwidth floor: a plain
  numpy sum of the same 4 pre-aligned stem buffers;
- the export of master and stems (24-bit WAV): the master bus (loudness to -23 LUFS, true-peak
  limiter) and writing all 5 files with their loudness reports;
- the disk floor: the same master and stems written as 24-bit WAV by soundfile, nothing else;
- `sox -m` mixing the same 4 stem files into one, where sox is installed, beside the export of
  the master alone (the same job: one file);
- what resampling one take costs when a generator's rate differs from the story's.

Targets (issues 5 and 14): mix >= 500x real time and within 3x of the numpy floor; export
<= 30 s, within 1.5x of the disk floor, and the master alone faster than `sox -m`.

    .venv/bin/python benchmarks/mix_speed.py [--minutes 60] [--events 200] [--keep DIR]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.export.exporter import ExportSettings, check_export, write_export  # noqa: E402
from engine.mix.ducking import DuckSettings  # noqa: E402
from engine.mix.mixer import Mixer, MixSettings, resample  # noqa: E402
from engine.model.story import Event, FadeCurve, Story, Track, TrackKind  # noqa: E402

SR = 48_000
KINDS = (TrackKind.AMBIENCE, TrackKind.EFFECTS, TrackKind.MUSIC, TrackKind.SPEECH)


def make_takes(count: int, seconds: float, rng: np.random.Generator) -> list[np.ndarray]:
    """Take-like material: a filtered noise bed with slow swells, and decaying tonal hits."""
    from scipy import signal

    n = int(seconds * SR)
    t = np.arange(n) / SR
    takes = []
    for index in range(count):
        noise = rng.standard_normal((2, n)).astype(np.float32)
        sos = signal.butter(2, [200 + 100 * index, 4000 + 500 * index], "bandpass", fs=SR,
                            output="sos")
        bed = signal.sosfilt(sos, noise, axis=1).astype(np.float32)
        bed *= (0.06 * (1 + 0.5 * np.sin(2 * np.pi * t / (7 + index)))).astype(np.float32)
        hits = np.zeros(n, dtype=np.float32)
        for start in rng.integers(0, n - SR, size=int(seconds / 4)):
            length = SR // 2
            decay = np.exp(-np.arange(length) / (0.08 * SR))
            hits[start:start + length] += (0.3 * decay * np.sin(
                2 * np.pi * (110 * (index + 1)) * np.arange(length) / SR)).astype(np.float32)
        takes.append(bed + hits)
    return takes


def make_story(minutes: float, events: int, take_seconds: float,
               rng: np.random.Generator) -> Story:
    duration = int(minutes * 60 * SR)
    per_track = events // len(KINDS)
    tracks = [Track(id=f"{k.value}-1", name=f"{k.value.title()} 1", kind=k, pan=p, gain_db=g)
              for k, p, g in zip(KINDS, (0.0, -0.3, 0.2, 0.0), (0.0, -2.0, -4.0, 0.0))]
    story_events = []
    for track in tracks:
        slot = duration // per_track
        for i in range(per_track):
            length = int(rng.uniform(0.6, 1.0) * min(slot * 1.05, take_seconds * SR))
            start = i * slot
            if i % 5 == 1:  # abut the previous clip exactly: an automatic crossfade
                start = story_events[-1].end
            elif i % 5 == 3:  # overlap it by a second: a longer crossfade
                start = max(story_events[-1].end - SR, 0)
            length = min(length, duration - start)
            story_events.append(Event(
                id=f"e{len(story_events) + 1}", track_id=track.id, start=start,
                duration=length, offset=int(rng.integers(0, SR)), seed=i,
                caption=f"{track.kind.value} sound {i}", fade_in_s=0.05, fade_out_s=0.2,
                fade_curve=FadeCurve.EQUAL_POWER if i % 2 else FadeCurve.LINEAR))
    return Story(title="Benchmark story", sample_rate=SR, duration=duration, tracks=tracks,
                 events=story_events)


def timed(label: str, work):  # label: what is timed, for the reader
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="write the export here and keep it")
    args = parser.parse_args()

    rng = np.random.default_rng(5)
    take_seconds = 90.0
    takes = make_takes(12, take_seconds, rng)
    story = make_story(args.minutes, args.events, take_seconds, rng)
    take_for = {e.id: takes[i % len(takes)] for i, e in enumerate(story.events)}
    real_time = story.duration_s
    print(f"story: {real_time / 60:.0f} min, {len(story.events)} events on {len(story.tracks)} "
          f"tracks, {SR} Hz stereo; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")

    mixer = Mixer(MixSettings(headroom_trim=False))

    def run_mix():
        return mixer.mix(story, lambda e: (take_for[e.id], SR))

    def floor(stems):
        return stems[0] + stems[1] + stems[2] + stems[3]

    # "cold": the first use of this much memory in the process, so every page is faulted in
    # fresh (on some virtual machines that alone costs more than the arithmetic); "warm":
    # the same work again once the process has had, and freed, that much memory.
    mix, mix_cold = timed("mix", run_mix)
    summed, floor_cold = timed("floor", lambda: floor(list(mix.stems.values())))
    del summed
    summed, floor_warm = timed("floor", lambda: floor(list(mix.stems.values())))
    del summed, mix
    mix, mix_warm = timed("mix", run_mix)
    stems = list(mix.stems.values())
    for label, mix_s, floor_s in (("warm", mix_warm, floor_warm), ("cold", mix_cold, floor_cold)):
        print(f"mix ({label}):    {mix_s:6.2f} s  {real_time / mix_s:7.0f}x real time  "
              f"({mix_s / floor_s:.2f}x the numpy floor; the ambience and music stems ducked "
              "under speech)")
        print(f"numpy floor ({label}): {floor_s:6.2f} s  {real_time / floor_s:7.0f}x real time  "
              "(sum of the 4 pre-aligned stems)")
    plain = Mixer(MixSettings(headroom_trim=False, duck=DuckSettings(depth_db=0.0)))
    del stems, mix  # (freed first, so the plain mix reuses the same warm memory)
    _, plain_warm = timed("mix", lambda: plain.mix(story, lambda e: (take_for[e.id], SR)))
    mix, _ = timed("mix", run_mix)
    stems = list(mix.stems.values())
    print(f"mix (warm, no ducking): {plain_warm:.2f} s  ({plain_warm / floor_warm:.2f}x the numpy "
          f"floor; ducking costs {mix_warm - plain_warm:.2f} s)")

    folder = args.keep or Path(tempfile.mkdtemp(prefix="mix_speed-"))
    folder.mkdir(parents=True, exist_ok=True)
    settings = ExportSettings(folder / "master.wav", stems_dir=folder / "stems", force=True,
                              markers=True)
    check_export(story, settings)
    try:
        # twice: the first run also pays for the fresh page-cache memory of 5 GB of files
        for label in ("cold", "warm"):
            marks: list[tuple[float, float]] = []
            cpu = time.process_time()
            report, export_s = timed("export", lambda: write_export(
                story, mix, settings, lambda e: (take_for[e.id], SR), lambda e: None,
                progress=lambda fraction, message: marks.append((time.perf_counter(), fraction))))
            cpu = time.process_time() - cpu
            bus_s = next(t for t, f in marks if f >= 0.15) - marks[0][0]
            print(f"export ({label}): {export_s:6.2f} s  {real_time / export_s:7.0f}x real time  "
                  f"(master bus {bus_s:.1f} s, then master + {len(stems)} stems as 24-bit WAV "
                  f"with loudness reports; {cpu:.0f} CPU-s, load {os.getloadavg()[0]:.1f})")
            if label == "cold":
                for path in report.paths:
                    path.unlink()
        for line in report.lines():
            print(f"  {line}")
        write_floor_s = disk_write_floor(folder / "floor", stems)
        print(f"disk floor:    {write_floor_s:6.2f} s  (the same master + {len(stems)} stems written "
              f"as 24-bit WAV by soundfile, nothing else) -> export is "
              f"{export_s / write_floor_s:.2f}x the floor")
        sox = shutil.which("sox")
        sox_s = master_s = None
        if sox:
            stem_files = sorted((folder / "stems").iterdir())
            _, sox_s = timed("sox", lambda: subprocess.run(
                [sox, "-m", *map(str, stem_files), str(folder / "sox-mix.wav")], check=True,
                capture_output=True))
            print(f"sox -m:        {sox_s:6.2f} s  {real_time / sox_s:7.0f}x real time  "
                  f"(the same {len(stem_files)} stem files into one)")
            alone = ExportSettings(folder / "master-only.wav", force=True)
            _, master_s = timed("master only", lambda: write_export(
                story, mix, alone, lambda e: (take_for[e.id], SR), lambda e: None))
            print(f"master alone:  {master_s:6.2f} s  {real_time / master_s:7.0f}x real time  "
                  f"(the same job as sox -m: one file; with mastering and its loudness report)"
                  f" -> {sox_s / master_s:.1f}x faster than sox -m")
        else:
            print("sox -m:        not installed (apt-get install sox)")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)

    minute = takes[0][:, :60 * SR]
    _, resample_s = timed("resample", lambda: resample(minute, 44_100, SR))
    print(f"resampling:    {resample_s:6.2f} s per minute of stereo take at 44.1 kHz "
          f"({60 / resample_s:.0f}x real time; once per take, when the rates differ)")
    export_target_s = 30 * args.minutes / 60  # 30 s for the 60-minute story
    ok = (real_time / mix_warm >= 500 and plain_warm / floor_warm <= 3
          and export_s <= export_target_s and export_s <= 1.5 * write_floor_s
          and (sox_s is None or master_s < sox_s))  # the warm runs
    print(f"targets (warm mix >= 500x, and <= 3x the floor without ducking, export <= "
          f"{export_target_s:.0f} s, <= 1.5x the disk floor and faster than sox -m): "
          f"{'met' if ok else 'NOT met'}")


def disk_write_floor(folder: Path, stems: list[np.ndarray]) -> float:
    """Seconds to write the master (the stems' sum) and the stems as 24-bit WAV files, and
    nothing more: what any exporter of the same bytes must spend."""
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    master = stems[0].copy()
    for stem in stems[1:]:
        master += stem
    for index, audio in enumerate([master, *stems]):
        sf.write(str(folder / f"{index}.wav"), audio.T, SR, subtype="PCM_24")
    seconds = time.perf_counter() - started
    shutil.rmtree(folder, ignore_errors=True)
    return seconds


if __name__ == "__main__":
    main()
