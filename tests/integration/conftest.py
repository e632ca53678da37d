"""Fixtures of the integration tier: tiny random-weight checkpoints in the real layouts, and
the editor open on a small rendered project (a module that needs another window defines its
own `window`)."""
import pytest

from tests.support.editor import build_project, close_without_prompt, open_window
from tests.support.tiny_models import tiny_models, tiny_models_root  # noqa: F401 (fixtures)


@pytest.fixture
def window(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, build_project(tmp_path / "story"))
    yield window
    close_without_prompt(window)
