"""Start-up of the command line: how long `main.py --help` and `main.py plan` take, what they
import, and that neither loads scipy.signal or torch (the mixer and the model backends load
only when a command needs them).

Prints, for this machine:
- the wall time of each command, median of `--runs` fresh processes, beside the time of a bare
  `python -c pass` in the same run (the interpreter's own start, which no code of ours can
  save);
- the import time (`python -X importtime`) of our code and of the largest libraries it pulls;
- whether scipy.signal, torch or soundfile were imported;
- with `--baseline DIR` (another checkout, e.g. `git worktree add /tmp/base 1aa9850`), the
  same commands from there, interleaved run by run with ours, and the ratio.

Target (issue 11): `main.py --help` within 1 s.

    .venv/bin/python benchmarks/cli_startup.py [--runs 5] [--baseline DIR]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "--help": ["main.py", "--help"],
    "plan": ["main.py", "plan", "Rain on a tin roof; a dog barks, then a door slams.", "--quiet"],
}
PROBE = """
import sys, runpy
sys.argv = {argv!r}
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit:
    pass
print("\\nMODULES", *[name for name in ("scipy.signal", "torch", "soundfile")
                      if name in sys.modules], file=sys.stderr)
"""


def wall_times(argv: list[str], runs: int, trees: list[Path]) -> list[float]:
    """Median wall time of `python ARGV` run in each tree (its main.py and its code first on
    the path), the trees taking turns so that load on the machine hits them alike."""
    times: list[list[float]] = [[] for _ in trees]
    for _ in range(runs):
        for tree, record in zip(trees, times):
            start = time.perf_counter()
            subprocess.run([sys.executable, *argv], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False, cwd=tree)
            record.append(time.perf_counter() - start)
    return [statistics.median(record) for record in times]


def import_profile(argv: list[str]) -> tuple[float, list[tuple[float, str]], list[str]]:
    """(total import seconds, the largest top-level imports, heavy modules loaded)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", PROBE.format(argv=argv)],
                          capture_output=True, text=True, cwd=ROOT)
    top: list[tuple[float, str]] = []
    loaded: list[str] = []
    for line in done.stderr.splitlines():
        if line.startswith("MODULES"):
            loaded = line.split()[1:]
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative_us, name = line[len("import time:"):].split("|")
        if not name.startswith("  "):  # imported by the script itself, not by a module
            top.append((int(cumulative_us) / 1e6, name.strip()))
    top.sort(reverse=True)
    return sum(seconds for seconds, _ in top), top[:6], loaded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="another checkout to time the same commands in, for a ratio")
    args = parser.parse_args()
    trees = [ROOT] + ([args.baseline.resolve()] if args.baseline else [])
    (bare,) = wall_times(["-c", "pass"], args.runs, [ROOT])
    print(f"python -c pass: {bare:.2f} s (median of {args.runs})")
    for label, argv in COMMANDS.items():
        wall, *baseline = wall_times(argv, args.runs, trees)
        total, top, loaded = import_profile(argv)
        print(f"main.py {label}: {wall:.2f} s wall (median of {args.runs}; "
              f"{wall - bare:.2f} s over a bare interpreter), imports {total:.2f} s")
        if baseline:
            print(f"    baseline {args.baseline}: {baseline[0]:.2f} s wall "
                  f"({baseline[0] / wall:.1f}x ours)")
        for seconds, name in top:
            print(f"    {seconds:6.3f} s  {name}")
        print(f"    heavy modules loaded: {', '.join(loaded) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
