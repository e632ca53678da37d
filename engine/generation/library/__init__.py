"""The `library` generator: events rendered from the user's own indexed recordings."""
from engine.generation.library.generator import LibraryGenerator

__all__ = ["LibraryGenerator"]
