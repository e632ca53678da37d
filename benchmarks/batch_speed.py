"""Batch throughput: the same jobs serially, in a local process pool and on a local Ray
cluster, in one run; prints wall time, jobs a minute, the speed-up over serial, and whether
every way gave the same files (bit for bit).

    .venv/bin/python benchmarks/batch_speed.py [--jobs 8] [--duration 10] [--workers 2] [--no-ray]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.batch import PoolRunner, SerialRunner, read_jobs, run_batch  # noqa: E402

PROMPTS = ["rain on a tin roof as a train passes", "a storm over a fishing village",
           "footsteps on a wooden pier, gulls overhead", "a crackling fire in a stone cottage",
           "a busy market square at noon", "wind through a pine forest at night",
           "a harbour bell rings twice", "a car passes on a wet street"]


def digests(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and p.name != "manifest.jsonl"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-ray", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="batch-speed-"))
    jobs_file = folder / "jobs.jsonl"
    jobs_file.write_text("".join(
        json.dumps({"name": f"job-{i:02d}", "prompt": PROMPTS[i % len(PROMPTS)],
                    "duration_s": args.duration, "seed": i}) + "\n" for i in range(args.jobs)))
    jobs = read_jobs(jobs_file)
    runners = [("serial", SerialRunner()), (f"pool x{args.workers}", PoolRunner(args.workers))]
    if not args.no_ray:
        from engine.batch.ray_runner import RayRunner

        runners.append((f"ray local x{args.workers}", RayRunner("local", args.workers)))
    # warm this process (planner, recipes) so the serial figure is not its start-up
    run_batch(jobs[:1], folder / "warm", SerialRunner())
    results = {}
    print(f"{args.jobs} jobs of {args.duration:g} s (procedural), {args.workers} workers")
    for label, runner in runners:
        out = folder / label.replace(" ", "-")
        started = time.perf_counter()
        summary = run_batch(jobs, out, runner)
        seconds = time.perf_counter() - started
        results[label] = (seconds, digests(out))
        base = results["serial"][0]
        print(f"{label:<16} {seconds:6.1f} s  {60 * summary.done / seconds:5.1f} jobs/min  "
              f"{base / seconds:4.2f}x serial  ({summary.done} done, {summary.failed} failed)",
              flush=True)
    same = all(files == results["serial"][1] for _, files in results.values())
    print(f"identical files in every run: {'yes' if same else 'NO'} "
          f"({len(results['serial'][1])} files)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
