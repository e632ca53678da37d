"""The recipe modules, one per family of sounds. Importing this package registers them all."""
from engine.generation.procedural.recipes import (  # noqa: F401
               ambiences,
               animals,
               crowds,
               fire,
               foley,
               machines,
               music,
               signals,
               vehicles,
               water,
               weather,
)
