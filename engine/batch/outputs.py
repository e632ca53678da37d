"""A job's files under --out: `OUT/NAME/…`, all of them or none.

The files are written into `OUT/.partial/NAME/`, flushed to disk, then the folder takes the
place of `OUT/NAME/` (the previous result of that name is moved aside first and removed only
once the new one is in place). A job that fails, or a batch stopped half-way, leaves the
previous result of the job untouched.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from engine.atomic import flush_to_disk

PARTIAL_DIR = ".partial"


def publish(out_dir: Path, name: str, files: dict[str, bytes]) -> list[tuple[str, int]]:
    """Write a job's files as `out_dir/name/…`; returns (path under out_dir, size) of each."""
    staging_root = out_dir / PARTIAL_DIR
    staged = staging_root / f"{name}.{uuid.uuid4().hex[:8]}"
    final = out_dir / name
    try:
        for relative, data in files.items():
            target = staged / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            flush_to_disk(target)
        staged.mkdir(parents=True, exist_ok=True)  # a job with no files still gets its folder
        previous = None
        if final.exists():
            previous = staging_root / f"{name}.{uuid.uuid4().hex[:8]}.old"
            os.replace(final, previous)
        os.replace(staged, final)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)
    _remove_if_empty(staging_root)
    return [(f"{name}/{relative}", len(data)) for relative, data in files.items()]


def clear_partial(out_dir: Path) -> None:
    """Remove what a stopped batch left half-written; a previous result that was moved aside
    when the batch stopped goes back in place."""
    staging_root = out_dir / PARTIAL_DIR
    if not staging_root.is_dir():
        return
    for entry in staging_root.iterdir():
        if entry.name.endswith(".old") and entry.is_dir():
            final = out_dir / entry.name.rsplit(".", 2)[0]
            if not final.exists():
                os.replace(entry, final)
                continue
        shutil.rmtree(entry, ignore_errors=True)
    _remove_if_empty(staging_root)


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass
