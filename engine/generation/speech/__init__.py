"""Speech: the story's words spoken in a voice per speaker (offline engines from the system's
packages, run as separate programs)."""
from engine.generation.speech.generator import SpeechGenerator

__all__ = ["SpeechGenerator"]
