"""The command line starts light: help and planning never load the mixer's scipy.signal or
torch (they load in the commands that use them; benchmarks/cli_startup.py times it)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.subprocess

PROBE = """
import sys
import main
try:
    code = main.main(sys.argv[1:])
except SystemExit as stop:  # argparse's --help
    code = stop.code
heavy = [name for name in ("scipy.signal", "torch") if name in sys.modules]
print("LOADED", ",".join(heavy) or "-", "EXIT", code)
"""


@pytest.mark.parametrize("argv", [["--help"], ["render", "--help"], ["sound", "--help"],
                                  ["plan", "rain on a tin roof, then a dog barks", "--quiet"]])
def test_help_and_plan_load_neither_scipy_signal_nor_torch(argv):
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "LOADED - EXIT 0"
