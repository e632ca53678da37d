"""Where a model runs and in what precision: device (cuda, mps, cpu) and dtype (bf16, fp16,
fp32), chosen from what the machine has unless the user says otherwise.

Defaults: CUDA in bf16 where the GPU supports it (fp16 otherwise); Apple MPS in fp16; CPU in
fp32 (half precision on CPU is slower and loses accuracy). A GPU with less memory than the
model wants gets CPU offload: weights stay in RAM and move to the GPU one module at a time.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.errors import InvalidInput

DEVICES = ("auto", "cuda", "mps", "cpu")
DTYPES = ("auto", "bf16", "fp16", "fp32")
OFFLOAD = ("auto", "on", "off")


@dataclass(frozen=True)
class Placement:
    device: str       # "cuda", "cuda:1", "mps" or "cpu"
    dtype_name: str   # "bf16", "fp16" or "fp32"
    cpu_offload: bool

    @property
    def dtype(self):
        import torch

        return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[
            self.dtype_name]

    def describe(self) -> str:
        return f"{self.device} {self.dtype_name}" + (" with CPU offload" if self.cpu_offload
                                                     else "")


def choose_placement(device: str = "auto", dtype: str = "auto", offload: str = "auto",
                     model_gb: float = 0.0) -> Placement:
    """Resolve user choices ("auto" or a name) against this machine's hardware.

    `model_gb`: roughly how much GPU memory the model needs, for the offload decision.
    """
    import torch

    base = device.split(":")[0]
    if base not in DEVICES:
        raise InvalidInput(f"unknown device {device!r}; choose one of: {', '.join(DEVICES)}.")
    if dtype not in DTYPES:
        raise InvalidInput(f"unknown dtype {dtype!r}; choose one of: {', '.join(DTYPES)}.")
    if offload not in OFFLOAD:
        raise InvalidInput(f"unknown offload {offload!r}; choose one of: {', '.join(OFFLOAD)}.")
    has_mps = bool(getattr(torch.backends, "mps", None)) and torch.backends.mps.is_available()
    if base == "auto":
        device = "cuda" if torch.cuda.is_available() else "mps" if has_mps else "cpu"
        base = device
    elif base == "cuda" and not torch.cuda.is_available():
        raise InvalidInput("no CUDA GPU is available here; choose device cpu (or auto).")
    elif base == "mps" and not has_mps:
        raise InvalidInput("Apple MPS is not available here; choose device cpu (or auto).")
    if dtype == "auto":
        if base == "cuda":
            dtype = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        else:
            dtype = "fp16" if base == "mps" else "fp32"
    if offload == "auto":
        use_offload = base == "cuda" and model_gb > 0 and _gpu_memory_gb(device) < model_gb * 1.3
    else:
        use_offload = offload == "on" and base != "cpu"
    return Placement(device=device, dtype_name=dtype, cpu_offload=use_offload)


def _gpu_memory_gb(device: str) -> float:
    import torch

    index = int(device.split(":")[1]) if ":" in device else 0
    return torch.cuda.get_device_properties(index).total_memory / 1e9
