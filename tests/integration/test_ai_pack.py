"""The AI pack: pip installs into the user's pack folder, a failed install keeps the old
pack, the app finds what is installed, and Preferences drives it with progress. A tiny wheel
built here stands in for torch (the frozen-app smoke test installs the real torch)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from engine import ai_pack
from engine.errors import StudioError

pytestmark = pytest.mark.subprocess


@pytest.fixture
def user_data(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


def build_wheel(tmp_path, name: str, version: str):
    """A real wheel, built offline with the setuptools already installed."""
    source = tmp_path / f"src-{name}-{version}"
    (source / name).mkdir(parents=True)
    (source / name / "__init__.py").write_text(f"VERSION = {version!r}\n")
    (source / "pyproject.toml").write_text(textwrap.dedent(f"""
        [build-system]
        requires = ["setuptools"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "{name}"
        version = "{version}"
        """))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(wheels), str(source)], check=True)
    return wheels


def offline(wheels) -> tuple[str, ...]:
    return ("--no-index", "--find-links", str(wheels))


def test_install_replaces_the_pack_only_when_pip_succeeds(tmp_path, user_data):
    wheels = build_wheel(tmp_path, "tinypack", "1.0")
    progress = []
    status = ai_pack.install(["tinypack==1.0"], offline(wheels),
                             lambda f, m: progress.append((f, m)))
    assert status.folder == user_data / "AudioStory Studio" / "ai-pack" / \
        f"py{sys.version_info.major}.{sys.version_info.minor}"
    assert status.installed == {"tinypack": "1.0"}
    assert progress[-1][0] == 1.0 and any("tinypack" in m for _, m in progress)

    with pytest.raises(StudioError, match="installing the AI pack failed: .*previous AI pack"):
        ai_pack.install(["tinypack==9.9"], offline(wheels))
    assert ai_pack.status(load_torch=False).installed == {"tinypack": "1.0"}  # the old pack is kept whole
    assert not status.folder.with_name(status.folder.name + ".partial").exists()

    result = subprocess.run(  # a fresh process finds the pack once it is activated
        [sys.executable, "-c", "from engine import ai_pack; ai_pack.activate(); "
         "import tinypack; print(tinypack.VERSION, tinypack.__file__)"],
        capture_output=True, text=True, env={**os.environ})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1.0 " + str(status.folder))


def test_the_pack_is_torch_and_the_ai_extra_of_this_release(monkeypatch):
    wanted = ai_pack.requirements()
    assert wanted[0] == ai_pack.TORCH_DEFAULT
    assert any(r.startswith("diffusers") for r in wanted)
    assert any(r.startswith("transformers") for r in wanted)
    monkeypatch.setenv("AUDIOSTORY_TORCH", "torch==2.5.1")
    assert ai_pack.requirements()[0] == "torch==2.5.1"


def test_models_runtime_reports_the_pack(tmp_path, user_data):
    from tests.conftest import run_cli

    result = run_cli("models", "runtime", "--json")
    assert result.returncode == 0, result.stderr
    assert '"frozen": false' in result.stdout and "ai-pack" in result.stdout


@pytest.mark.gui
def test_preferences_installs_the_pack_with_progress(qtbot, tmp_path, user_data):
    from app.dialogs.ai_pack import AiPackRow

    wheels = build_wheel(tmp_path, "tinypack", "2.0")
    row = AiPackRow(requirements=["tinypack==2.0"], pip_options=offline(wheels))
    qtbot.addWidget(row)
    row.show()
    seen = []
    row.progress.valueChanged.connect(seen.append)
    qtbot.mouseClick(row.install, Qt.MouseButton.LeftButton)
    assert not row.install.isEnabled() and row.cancel.isVisible()
    qtbot.waitUntil(lambda: row.install.isEnabled(), timeout=120_000)
    assert row.status.text().startswith("AI pack installed")
    assert seen and not row.progress.isVisible() and not row.cancel.isVisible()
    assert ai_pack.status(load_torch=False).installed == {"tinypack": "2.0"}
    row.shutdown()
