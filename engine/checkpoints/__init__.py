"""Model checkpoints: the catalogue, finding them on disk, downloading, device and dtype.

Heavy libraries (torch, huggingface_hub) are imported inside the functions that need them,
so listing models or importing this package costs nothing at start-up.
"""
from engine.checkpoints.catalogue import CATALOGUE, ModelSpec, format_size, get_spec, spec_for_repo
from engine.checkpoints.placement import Placement, choose_placement
from engine.checkpoints.resolve import (
           ModelMissing,
           find_local,
           missing_message,
           models_dir,
           resolve,
)

__all__ = ["CATALOGUE", "ModelMissing", "ModelSpec", "Placement", "choose_placement",
           "find_local", "format_size", "get_spec", "missing_message", "models_dir", "resolve",
           "spec_for_repo"]
