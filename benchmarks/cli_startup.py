"""Start-up of the command line: how long `main.py --help` and `main.py plan` take, what they
import, and that neither loads scipy.signal or torch (the mixer and the model backends load
only when a command needs them).

Prints, for this machine:
- the wall time of each command, median of `--runs` fresh processes, beside the time of a bare
  `python -c pass` in the same run (the interpreter's own start, which no code of ours can
  save);
- the import time (`python -X importtime`) of our code and of the largest libraries it pulls;
- whether scipy.signal, torch or soundfile were imported.

Target (issue 11): `main.py --help` within 1 s.

    .venv/bin/python benchmarks/cli_startup.py [--runs 5]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAIN = str(ROOT / "main.py")
COMMANDS = {
    "--help": [MAIN, "--help"],
    "plan": [MAIN, "plan", "Rain on a tin roof; a dog barks, then a door slams.", "--quiet"],
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


def wall_time(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, *argv], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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
    args = parser.parse_args()
    bare = wall_time(["-c", "pass"], args.runs)
    print(f"python -c pass: {bare:.2f} s (median of {args.runs})")
    for label, argv in COMMANDS.items():
        wall = wall_time(argv, args.runs)
        total, top, loaded = import_profile(argv)
        print(f"main.py {label}: {wall:.2f} s wall (median of {args.runs}; "
              f"{wall - bare:.2f} s over a bare interpreter), imports {total:.2f} s")
        for seconds, name in top:
            print(f"    {seconds:6.3f} s  {name}")
        print(f"    heavy modules loaded: {', '.join(loaded) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
