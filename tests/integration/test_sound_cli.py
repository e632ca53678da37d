"""`main.py sound` with a model backend: the summary line says what was written."""
from __future__ import annotations

import subprocess
import sys

import pytest
import soundfile as sf

from tests.conftest import ROOT
from tests.support.tiny_models import cli_env

pytestmark = [pytest.mark.tiny_model, pytest.mark.subprocess]


def test_sound_reports_the_channels_it_wrote(tiny_models, tmp_path):
    """AudioLDM 2 makes 16 kHz mono: the file is mono and the line says so (it used to
    say "stereo" whatever was written)."""
    out = tmp_path / "door.wav"
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "sound", "a wooden door slams", "--duration",
         "1", "--generator", "audioldm2", "-o", str(out), "--quiet"],
        capture_output=True, text=True, env=cli_env(tiny_models), timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    info = sf.info(str(out))
    assert (info.channels, info.samplerate) == (1, 16_000)
    assert "16000 Hz, mono," in done.stdout and "stereo" not in done.stdout
