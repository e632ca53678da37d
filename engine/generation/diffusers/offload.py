"""Moving modules onto the GPU only while they work (CPU offload for small GPUs)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from torch import nn


@contextmanager
def on_device(module: nn.Module, device: str, offload: bool) -> Iterator[nn.Module]:
    """With offload, the module lives on the CPU and visits `device` for the block."""
    if not offload:
        yield module
        return
    module.to(device)
    try:
        yield module
    finally:
        module.to("cpu")
