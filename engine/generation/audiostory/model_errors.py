"""Errors of AudioStory checkpoints."""
from engine.errors import StudioError


class CheckpointLayoutError(StudioError):
    """An AudioStory checkpoint folder that does not have the released layout."""
