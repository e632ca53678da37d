"""The recipe modules, one per family of sounds. Importing this package registers them all."""
from . import (ambiences, animals, crowds, fire, foley, machines, music, signals,  # noqa: F401
               vehicles, water, weather)
