"""Procedural sound engine: offline, CPU-only drafts of every planned event."""
from engine.generation.procedural.generator import ProceduralGenerator, suggest_track_kind

__all__ = ["ProceduralGenerator", "suggest_track_kind"]
