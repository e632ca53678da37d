"""Project folders on disk: the story file, its autosave, and the takes."""
from engine.project.folder import Project, attach_take, project_folder, take_is_current

__all__ = ["Project", "attach_take", "project_folder", "take_is_current"]
