"""Check a local checkpoint before a long render trips over it: required files present,
every weights file readable (headers only, so a 9 GB checkpoint checks in a second)."""
from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from engine.checkpoints.catalogue import ModelSpec
from engine.checkpoints.resolve import find_local, missing_files


@dataclass
class VerifyReport:
    spec: ModelSpec
    folder: Path | None
    problems: list[str] = field(default_factory=list)
    tensors: int = 0
    size_bytes: int = 0

    @property
    def ok(self) -> bool:
        return self.folder is not None and not self.problems


def verify(spec: ModelSpec, folder: Path | None = None) -> VerifyReport:
    folder = folder if folder is not None else find_local(spec)
    report = VerifyReport(spec, folder)
    if folder is None:
        report.problems.append("not on this machine")
        return report
    report.problems += [f"missing {name}" for name in missing_files(folder, spec)]
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        report.size_bytes += path.stat().st_size
        relative = path.relative_to(folder)
        try:
            if path.suffix == ".safetensors":
                report.tensors += _count_safetensors(path)
            elif path.suffix == ".json":
                json.loads(path.read_text(encoding="utf-8"))
            elif path.suffix in (".bin", ".pt", ".pth"):
                if not zipfile.is_zipfile(path):
                    report.problems.append(f"{relative}: not a readable torch archive")
        except Exception as exc:  # safetensors, json, zip: each has its own error type
            report.problems.append(f"{relative}: unreadable ({str(exc).splitlines()[0][:120]})")
    return report


def _count_safetensors(path: Path) -> int:
    from safetensors import safe_open

    with safe_open(str(path), framework="np") as handle:
        return len(list(handle.keys()))
