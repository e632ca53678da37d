"""Undoable edits of the open story: undo gives back exactly the story that was there."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app.document.edits import AddEvents, RemoveEvents
from app.document.story_document import StoryDocument
from engine.project.folder import Project
from tests.conftest import make_story

pytestmark = pytest.mark.gui


@pytest.fixture
def document(qtbot, tmp_path):
    return StoryDocument(Project.create(tmp_path / "harbour", make_story()))


def test_undoing_a_delete_puts_the_clips_back_where_they_were(document):
    before = document.story.model_dump()
    removed = []
    document.eventsRemoved.connect(removed.append)
    document.undo_stack.push(RemoveEvents(document, ["e3", "e1"], "Delete"))
    assert [e.id for e in document.story.events] == ["e2"] and removed == [["e3", "e1"]]
    document.undo_stack.undo()
    # the story is as it was: the same order of clips (the order they paint in, render in
    # and are saved in), not the deleted ones appended at the end
    assert [e.id for e in document.story.events] == ["e1", "e2", "e3"]
    assert document.story.model_dump() == before
    document.undo_stack.redo()
    document.undo_stack.undo()
    assert document.story.model_dump() == before


def test_undoing_an_added_clip_removes_it_and_redo_brings_it_back(document):
    copy = document.story.event("e2").model_copy(update={"id": "e4", "start": 5 * 48_000})
    document.undo_stack.push(AddEvents(document, [copy], "Duplicate"))
    assert [e.id for e in document.story.events] == ["e1", "e2", "e3", "e4"]
    document.undo_stack.undo()
    assert [e.id for e in document.story.events] == ["e1", "e2", "e3"]
    document.undo_stack.redo()
    assert document.story.events[-1].id == "e4"
