"""Names the editor proposes for Save As and Export (app/file_names.py)."""
from __future__ import annotations

import pytest

from app.file_names import safe_file_name


@pytest.mark.parametrize(("title", "name"), [
    ("Night storm: a boat returns…", "Night storm - a boat returns"),
    ('A/B "test" <take> | 2?', "A B test take 2"),
    ("   ", "Untitled story"),
    ("con", "Untitled story"),
    ("ends with dots...", "ends with dots"),
    ("Harbour at dusk", "Harbour at dusk"),
])
def test_titles_become_portable_file_names(title, name):
    assert safe_file_name(title) == name


def test_long_titles_are_cut_at_a_word():
    name = safe_file_name("rain " * 40)
    assert len(name) <= 64 and name.endswith("rain") and "  " not in name
