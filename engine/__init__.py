"""AudioStory Studio engine: story model, planning, rendering, mixing and export. No Qt here."""

__version__ = "0.1.0"
