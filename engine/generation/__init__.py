"""Generator backends, looked up by name. Backends import lazily: heavy ones load on use."""
from __future__ import annotations

import importlib

from engine.errors import InvalidInput
from engine.generation.base import GeneratedAudio, Generator, NeighbourEvent, RenderRequest

# name -> "module:attribute" of a zero-argument factory
_BACKENDS = {
    "procedural": "engine.generation.procedural:ProceduralGenerator",
    "library": "engine.generation.library:LibraryGenerator",
    "audioldm2": "engine.generation.diffusers.audioldm2:AudioLDM2Generator",
    "stable-audio-open": "engine.generation.diffusers.stable_audio:StableAudioGenerator",
    "stable-audio-3": "engine.generation.diffusers.stable_audio3:StableAudio3Generator",
    "tangoflux": "engine.generation.tangoflux.generator:TangoFluxGenerator",
    "audiostory": "engine.generation.audiostory.generator:AudioStoryGenerator",
    "speech": "engine.generation.speech.generator:SpeechGenerator",
}
_instances: dict[str, Generator] = {}


def generator_names() -> list[str]:
    return list(_BACKENDS)


def get_generator(name: str) -> Generator:
    """The shared instance of a backend (weights and tables load once per process)."""
    if name not in _BACKENDS:
        raise InvalidInput(f"unknown generator {name!r}; choose one of: {', '.join(_BACKENDS)}.")
    if name not in _instances:
        module_name, attribute = _BACKENDS[name].split(":")
        factory = getattr(importlib.import_module(module_name), attribute)
        _instances[name] = factory()
    return _instances[name]


__all__ = ["GeneratedAudio", "Generator", "NeighbourEvent", "RenderRequest",
           "generator_names", "get_generator"]
