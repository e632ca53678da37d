"""How fast a story renders as a user runs it: `main.py render` in a fresh process (start-up,
planning, rendering on every core, mixing, export), median of several runs, wall and CPU
(the render workers included); beside, in the same run, the floor of the same audio work in
plain numpy and soundfile (write the takes, sum them, write the master), so the figure is a
ratio as well as a time. Also: a warm regenerate of one 10 s event, and `main.py --help`.

    .venv/bin/python benchmarks/story_speed.py [--duration 180] [--runs 3] [--peer]

`--peer` also times the peer generator genny (PyPI, MIT) rendering comparable effects (the
same number of sounds of the same lengths), installed on first use into its own
environment under benchmarks/.peer-venv/ (never into the project's).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HARBOUR_STORY = ("A storm gathers over a fishing village at night; rain drums on the roofs and "
                 "thunder rolls in the distance. A dog barks as a fishing boat chugs into the "
                 "harbour, waves slapping the pier. The crew cheer on the deck, footsteps run "
                 "along the wooden pier, a door slams, then the church bell tolls midnight as "
                 "the rain stops and an owl hoots.")

PEER_VENV = ROOT / "benchmarks" / ".peer-venv"
TARGETS = {"story_s": 10.0, "story_cpu_s": 18.0, "regenerate_s": 0.3, "help_s": 1.0,
           "ten_minutes_s": 30.0}


def _targets(duration_s: float) -> str:
    if duration_s == 180:
        return f"targets {TARGETS['story_s']:g} s, {TARGETS['story_cpu_s']:g} CPU-s"
    if duration_s == 600:
        return f"target {TARGETS['ten_minutes_s']:g} s"
    return "targets: 3 minutes in 10 s, 10 minutes in 30 s"


def timed_process(command: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of a command and everything it started and waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def render_story(duration_s: float, runs: int) -> tuple[list[float], list[float], Path]:
    walls, cpus = [], []
    folder = Path(tempfile.mkdtemp(prefix="story_speed-"))
    for run in range(runs):
        project = folder / f"run{run}"
        wall, cpu = timed_process([sys.executable, "main.py", "render", HARBOUR_STORY,
                                   "--duration", f"{duration_s:g}", "-o",
                                   str(folder / f"run{run}.wav"), "--project", str(project),
                                   "--force", "--quiet"])
        walls.append(wall)
        cpus.append(cpu)
    return walls, cpus, folder / "run0.story"


def numpy_floor(project: Path) -> tuple[float, float]:
    """The same takes written as files, summed into a master and the master written:
    the audio work of a render with no synthesis, no planning, no measuring."""
    import soundfile as sf

    from engine.project.folder import Project

    opened = Project.open(project)
    takes = [opened.read_take(e.active_take()) for e in opened.story.events]
    length = opened.story.duration
    with tempfile.TemporaryDirectory(prefix="floor-", dir=ROOT) as folder:
        start, cpu = time.perf_counter(), time.process_time()
        master = np.zeros((2, length), dtype=np.float32)
        for index, (audio, rate) in enumerate(takes):
            sf.write(f"{folder}/t{index}.wav", audio.T, rate, subtype="FLOAT")
            n = min(audio.shape[1], length)
            master[:, :n] += audio[:2, :n]
        sf.write(f"{folder}/master.wav", master.T, 48_000, subtype="PCM_24")
        return time.perf_counter() - start, time.process_time() - cpu


def regenerate(project: Path, runs: int = 5) -> tuple[float, str]:
    """Median wall seconds of a warm regenerate (new seed) of one event, rendered to 10 s."""
    from engine.generation import get_generator
    from engine.project.folder import Project
    from engine.render.context import render_request
    from engine.render.take import render_take

    opened = Project.open(project)
    event = next(e for e in opened.story.events
                 if opened.story.track(e.track_id).kind.value == "effects")
    event.duration = 10 * opened.story.sample_rate
    generator = get_generator(event.generator)
    render_take(opened, render_request(opened.story, event, seed=1), generator)  # warm
    times = []
    for seed in range(2, 2 + runs):
        start = time.perf_counter()
        render_take(opened, render_request(opened.story, event, seed=seed), generator)
        times.append(time.perf_counter() - start)
    return statistics.median(times), event.caption


def peer_genny(project: Path) -> tuple[float, float] | None:
    """genny rendering one effect per event, of the same lengths (its own environment)."""
    from engine.project.folder import Project

    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "genny"], check=True)
    genny = PEER_VENV / "bin" / "genny"
    story = Project.open(project).story
    lengths = [round(e.duration / story.sample_rate, 2) for e in story.events]
    script = "; ".join(f"{genny} sfx rain -p dur={s} -o /tmp/peer-{i}.wav"
                       for i, s in enumerate(lengths))
    return timed_process(["bash", "-c", script])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=180.0, help="story length, s")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ten-minutes", action="store_true",
                        help="also render a 600 s story once")
    parser.add_argument("--peer", action="store_true", help="also time genny (see above)")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()))

    help_wall, _ = timed_process([sys.executable, "main.py", "--help"])
    print(f"main.py --help: {help_wall:.2f} s (target {TARGETS['help_s']:g} s)")

    walls, cpus, project = render_story(args.duration, args.runs)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    floor_wall, floor_cpu = numpy_floor(project)
    print(f"{args.duration:g} s story end to end, median of {args.runs}: {wall:.2f} s wall "
          f"(runs: {', '.join(f'{w:.1f}' for w in walls)}), {cpu:.2f} CPU-s "
          f"({_targets(args.duration)})")
    print(f"  numpy floor of its audio work (write the takes, sum, write the master): "
          f"{floor_wall:.2f} s wall, {floor_cpu:.2f} CPU-s -> the render is "
          f"{wall / floor_wall:.1f}x the floor")

    seconds, caption = regenerate(project)
    print(f"warm regenerate of one 10 s event ({caption!r}): {seconds:.3f} s median of 5 "
          f"(target {TARGETS['regenerate_s']:g} s)")

    if args.ten_minutes:
        long_walls, long_cpus, _ = render_story(600.0, 1)
        print(f"600 s story end to end: {long_walls[0]:.2f} s wall, {long_cpus[0]:.2f} CPU-s "
              f"(target {TARGETS['ten_minutes_s']:g} s)")
    if args.peer:
        peer = peer_genny(project)
        print(f"peer genny, one effect per event at the same lengths: {peer[0]:.2f} s wall, "
              f"{peer[1]:.2f} CPU-s -> this render is {peer[0] / wall:.2f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
