"""How fast the procedural engine renders, on one core.

    .venv/bin/python benchmarks/procedural_speed.py [--seconds 10] [--story 180] [--only NAME ...]

Prints:
1. the first render after process start: a fresh Python process imports the engine and
   renders one 5 s caption (wall time from process launch, and from the first import);
2. warm seconds to render `--seconds` of each recipe through the whole generator (recipe,
   placement, room, loudness), and its real-time factor (audio seconds per second of work);
3. a whole story of `--story` seconds planned by the offline planner, every event rendered
   with its story context, then mixed.

Targets (issue 4): every recipe >= 20x real time warm, first render <= 3 s, a 3-minute
story <= 10 s. BLAS and FFT threads are pinned to one before numpy loads, so the figures
are single-core.
"""
from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.story_speed import HARBOUR_STORY  # noqa: E402

TARGET_RTF = 20.0
TARGET_FIRST_S = 3.0
TARGET_STORY_S = 10.0
STORY_PROMPT = HARBOUR_STORY

_FIRST_RENDER = """
import time
start = time.perf_counter()
from engine.generation import RenderRequest, get_generator
result = get_generator("procedural").render(RenderRequest(
    caption="a dog barks twice in the distance", duration_s=5.0, seed=1))
print(time.perf_counter() - start)
"""


def first_render() -> tuple[float, float]:
    """(seconds from launching python to the rendered take, seconds from the first import)."""
    launched = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _FIRST_RENDER], cwd=ROOT, capture_output=True,
                         text=True, check=True, env=os.environ.copy())
    return time.perf_counter() - launched, float(out.stdout.strip().splitlines()[-1])


def per_recipe(seconds: float, only: list[str] | None) -> list[tuple[str, float, float]]:
    """(recipe, wall seconds, CPU seconds) of a warm render of each recipe."""
    from engine.generation.base import RenderRequest
    from engine.generation.procedural import ProceduralGenerator
    from engine.generation.procedural.catalogue import catalogue

    generator = ProceduralGenerator()
    timings = []
    for entry in catalogue():
        if only and entry.name not in only:
            continue
        def request(seed: int) -> RenderRequest:
            return RenderRequest(caption=entry.descriptions[0], duration_s=seconds, seed=seed,
                                 track_kind=entry.kind, story_seed=3,
                                 settings={"recipe": entry.name})
        generator.render(request(1))  # warm: caches, first-touch allocations
        start, cpu = time.perf_counter(), time.process_time()
        generator.render(request(2))
        timings.append((entry.name, time.perf_counter() - start, time.process_time() - cpu))
    return timings


def story(seconds: float) -> tuple[int, float, float, float, float]:
    """(events, plan, render, mix, CPU) seconds for a whole offline story."""
    from engine.generation import get_generator
    from engine.mix.mixer import Mixer
    from engine.planning import PlanRequest, get_planner, story_from_plan
    from engine.render.context import render_request

    start, cpu = time.perf_counter(), time.process_time()
    plan = get_planner("offline").plan(PlanRequest(STORY_PROMPT, seconds, 1))
    built = story_from_plan(plan, STORY_PROMPT, seed=1, generator="procedural")
    planned = time.perf_counter()
    generator = get_generator("procedural")
    takes = {}
    for event in built.events:
        result = generator.render(render_request(built, event))
        takes[event.id] = (result.audio, result.sample_rate)
    rendered = time.perf_counter()
    Mixer().mix(built, lambda event: takes.get(event.id))
    mixed = time.perf_counter()
    return (len(built.events), planned - start, rendered - planned, mixed - rendered,
            time.process_time() - cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="audio per recipe")
    parser.add_argument("--story", type=float, default=180.0, help="story length in seconds")
    parser.add_argument("--only", nargs="*", default=None, help="only these recipes")
    args = parser.parse_args(argv)

    launched, from_import = first_render()
    print(f"first render after process start: {launched:.2f} s from launch "
          f"({from_import:.2f} s from the first import; target {TARGET_FIRST_S:g} s)")

    timings = per_recipe(args.seconds, args.only)
    print(f"\nwarm render of {args.seconds:g} s per recipe (whole generator, one core; the "
          "machine's load average now: " + " ".join(f"{x:.1f}" for x in os.getloadavg()) + ")")
    print(f"{'recipe':24s} {'wall s':>8s} {'CPU s':>8s} {'x real time':>12s}")
    for name, took, cpu in sorted(timings, key=lambda item: -item[1]):
        print(f"{name:24s} {took:8.3f} {cpu:8.3f} {args.seconds / took:12.1f}")
    factors = [args.seconds / took for _, took, _ in timings]
    slow = [name for name, took, _ in timings if args.seconds / took < TARGET_RTF]
    print(f"{len(timings)} recipes: slowest {min(factors):.1f}x, median "
          f"{statistics.median(factors):.1f}x real time; below {TARGET_RTF:g}x: "
          f"{', '.join(slow) if slow else 'none'}")

    events, plan_s, render_s, mix_s, cpu_s = story(args.story)
    total = plan_s + render_s + mix_s
    print(f"\n{args.story:g} s story, {events} events: plan {plan_s:.2f} s, "
          f"render {render_s:.2f} s, "
          f"mix {mix_s:.2f} s; total {total:.2f} s wall, {cpu_s:.2f} s CPU "
          f"({args.story / total:.1f}x real time; target {TARGET_STORY_S:g} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
