"""Procedural sound engine: offline, CPU-only drafts of every planned event."""
from .generator import ProceduralGenerator

__all__ = ["ProceduralGenerator"]
