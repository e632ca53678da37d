"""Crash-safe file writes: write a temporary file beside the target, fsync, then rename.

A crash or error at any point leaves either the old file or the new one, never a mix, and no
temporary file behind when Python gets to clean up.
"""
from __future__ import annotations

import os
import re
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROCESS_STARTED = time.time()  # a temporary older than this was left by an earlier process
# the temporary names `atomic_path` and `StagedFiles` give: ".NAME.1a2b3c4d.partial.EXT"
_PARTIAL_NAME = re.compile(r"^\..*\.[0-9a-f]{8}\.partial(\.[^.]*)?$")


@contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `target` atomically.

    The temporary name keeps the target's suffix so libraries that pick a format from the
    extension (soundfile) still do the right thing.
    """
    target = Path(target)
    temp = _temporary_name(target, "partial")
    try:
        yield temp
        _fsync_file(temp)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def cannot_write_in(folder: str | os.PathLike[str]) -> str | None:
    """Why a file cannot be created in `folder` (None when it can). Trying is the only
    reliable test: permissions, read-only disks and running as root all mislead os.access."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return None
    except OSError as exc:
        return exc.strerror or str(exc)


def write_bytes_atomic(target: str | os.PathLike, data: bytes) -> None:
    with atomic_path(target) as temp:
        with open(temp, "wb") as handle:
            handle.write(data)


def write_text_atomic(target: str | os.PathLike, text: str) -> None:
    write_bytes_atomic(target, text.encode("utf-8"))


def flush_to_disk(path: str | os.PathLike) -> None:
    """fsync a finished file early (a later commit's fsync then has nothing left to do)."""
    _fsync_file(Path(path))


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_directory(path: Path) -> None:
    if os.name == "nt":  # Windows cannot open directories; NTFS journals the rename
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class StagedFiles:
    """Several files written as one: each to a temporary name beside its target, all renamed
    into place by `commit()`; `discard()` removes every temporary (see `staged_files`)."""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []  # (temporary, target)

    def path_for(self, target: str | os.PathLike) -> Path:
        target = Path(target)
        temp = _temporary_name(target, "partial")
        self._staged.append((temp, target))
        return temp

    def commit(self) -> None:
        """Rename every file into place, or none: an existing target is first kept under
        a hidden name, and if any rename fails, the files already renamed are taken back
        out and the kept ones restored before the error is raised."""
        for temp, _ in self._staged:
            _fsync_file(temp)
        placed: list[tuple[Path, Path | None]] = []  # (target, its previous version kept)
        try:
            for temp, target in self._staged:
                kept = _keep_previous(target)
                try:
                    os.replace(temp, target)
                except BaseException:
                    if kept is not None:
                        os.replace(kept, target)
                    raise
                placed.append((target, kept))
        except BaseException:
            _restore(placed)
            raise
        for _, kept in placed:
            if kept is not None:
                kept.unlink(missing_ok=True)
        for folder in {target.parent for _, target in self._staged}:
            _fsync_directory(folder)
        self._staged = []

    def discard(self) -> None:
        for temp, _ in self._staged:
            temp.unlink(missing_ok=True)
        self._staged = []


def _temporary_name(target: Path, kind: str) -> Path:
    return target.with_name(f".{target.stem}.{uuid.uuid4().hex[:8]}.{kind}{target.suffix}")


def _keep_previous(target: Path) -> Path | None:
    """A second name for the file at `target` (a hard link, so the target never goes
    missing; a rename where the file system has no links), or None if there is none."""
    if not target.is_file() or target.is_symlink():
        return None  # nothing to keep; a folder in the way makes the rename fail instead
    kept = _temporary_name(target, "previous")
    try:
        os.link(target, kept)
    except OSError:
        os.replace(target, kept)
    return kept


def _restore(placed: list[tuple[Path, Path | None]]) -> None:
    """Undo the renames done so far, newest first: each target gets its previous version
    back, or goes away if it had none."""
    for target, kept in reversed(placed):
        if kept is not None:
            os.replace(kept, target)
        else:
            target.unlink(missing_ok=True)


@contextmanager
def staged_files() -> Iterator[StagedFiles]:
    """All or nothing: the targets appear only if the block finishes without an error, and
    all of them or none (see `StagedFiles.commit`)."""
    staging = StagedFiles()
    try:
        yield staging
        staging.commit()
    except BaseException:
        staging.discard()
        raise


def remove_stale_partials(folder: str | os.PathLike,
                          older_than: float = PROCESS_STARTED) -> list[Path]:
    """Remove the temporaries a crashed write left in `folder` (not in sub-folders).

    Only files named the way `atomic_path` and `StagedFiles` name them, last changed before
    `older_than` (by default: before this process started, so a write still running in
    this process is never touched), and never through a link. Returns what was removed.
    """
    folder = os.fspath(folder)
    removed = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not _PARTIAL_NAME.match(entry.name) or not entry.is_file(
                        follow_symlinks=False):
                    continue
                try:
                    if entry.stat(follow_symlinks=False).st_mtime < older_than:
                        os.unlink(entry.path)
                        removed.append(Path(entry.path))
                except OSError:  # gone meanwhile, or a read-only folder: leave it
                    continue
    except OSError:
        return removed
    return removed
