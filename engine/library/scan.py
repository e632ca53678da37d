"""Scanning library folders into the index: new, changed and removed files, in batches.

    report = scan_folders(index, ["/home/me/SFX"], progress, cancel)
    report.added, report.updated, report.removed, report.unchanged, report.skipped

A file is looked at again only when its size or modification time changed (or when it was
skipped for want of ffmpeg and ffmpeg is there now). Files are measured on a small thread
pool, their new texts embedded in one call per batch, and each batch committed on its own,
so a cancelled or killed scan keeps its work. A folder that cannot be reached (an unplugged
drive) keeps its files in the index and is reported as such.
"""
from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from engine.audio import decode
from engine.library.analysis import AUDIO_SUFFIXES, FileFacts, Skipped, analyse
from engine.library.describe import Description, combine, describe
from engine.library.index import LibraryIndex, ixml_json
from engine.progress import CancelToken, Progress, no_progress

BATCH_FILES = 64
WORKERS = max(1, min(2, os.cpu_count() or 1))


@dataclass
class ScanReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) this scan
    unreachable: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def indexed(self) -> int:
        return self.added + self.updated

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.updated} updated", f"{self.removed} removed",
                 f"{self.unchanged} unchanged", f"{len(self.skipped)} skipped"]
        rate = f" ({self.indexed / self.seconds:.0f} files/s)" if self.indexed and self.seconds else ""
        return ", ".join(parts) + f" in {self.seconds:.1f} s{rate}"


@dataclass(frozen=True)
class _Todo:
    path: str
    folder: str
    size: int
    mtime_ns: int
    new: bool


def normalise_folder(folder: str | os.PathLike) -> str:
    return str(Path(folder).expanduser().resolve())


def scan_folders(index: LibraryIndex, folders: Iterable[str] | None = None,
                 progress: Progress = no_progress, cancel: CancelToken | None = None
                 ) -> ScanReport:
    """Bring the index up to date with `folders` (default: every folder it holds)."""
    started = time.perf_counter()
    report = ScanReport()
    chosen = [normalise_folder(f) for f in folders] if folders is not None else index.folder_paths()
    with index.writer():
        todo: list[_Todo] = []
        for folder in chosen:
            progress(0.0, f"looking through {folder}")
            todo += _changes(index, folder, report, cancel)
        _index_files(index, todo, report, progress, cancel)
        for folder in chosen:
            if folder not in report.unreachable:
                index.mark_scanned(folder)
    report.seconds = time.perf_counter() - started
    progress(1.0, f"library up to date: {report.summary()}")
    return report


def _changes(index: LibraryIndex, folder: str, report: ScanReport,
             cancel: CancelToken | None) -> list[_Todo]:
    if not Path(folder).is_dir():
        report.unreachable.append(folder)
        return []
    known = index.known_files(folder)
    retry_codes = {"needs-ffmpeg"} if decode.ffmpeg_available() else set()
    found: set[str] = set()
    todo = []
    for path, size, mtime_ns in walk(folder, cancel):
        try:
            path.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are no text: the index cannot name it
            report.skipped.append((path.encode("utf-8", "replace").decode(),
                                   "its name is not valid UTF-8; rename the file"))
            continue
        found.add(path)
        before = known.get(path)
        if before is not None and before[:2] == (size, mtime_ns) and before[2] not in retry_codes:
            report.unchanged += 1
            continue
        todo.append(_Todo(path, folder, size, mtime_ns, before is None or before[2] is not None))
    gone = [path for path in known if path not in found]
    if gone:
        with index.transaction() as db:
            for path in gone:
                LibraryIndex.drop_file(db, path)
        report.removed += sum(1 for path in gone if known[path][2] is None)
    return todo


def walk(folder: str, cancel: CancelToken | None = None):
    """(path, size, mtime_ns) of every regular audio file under `folder`; hidden files and
    folders (and macOS `._` resource forks) are left out, links to folders are not followed."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        if cancel is not None:
            cancel.raise_if_cancelled()
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or Path(name).suffix.lower() not in AUDIO_SUFFIXES:
                continue
            path = os.path.join(root, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                yield path, info.st_size, info.st_mtime_ns


def _index_files(index: LibraryIndex, todo: list[_Todo], report: ScanReport,
                 progress: Progress, cancel: CancelToken | None) -> None:
    if not todo:
        return
    done = 0
    batches = [todo[start:start + BATCH_FILES] for start in range(0, len(todo), BATCH_FILES)]
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="library-scan") as pool:
        # the next batch is measured on the pool while this one's texts are embedded
        pending = [pool.submit(_measure, item) for item in batches[0]]
        for number, batch in enumerate(batches):
            if cancel is not None:
                cancel.raise_if_cancelled()
            measured = [future.result() for future in pending]
            if number + 1 < len(batches):
                pending = [pool.submit(_measure, item) for item in batches[number + 1]]
            _store_batch(index, batch, measured, report)
            done += len(batch)
            progress(done / len(todo), f"indexed {done} of {len(todo)} files")


def _measure(item: _Todo) -> tuple[FileFacts, Description] | Skipped:
    if item.size == 0:
        return Skipped("the file is empty", "empty")
    try:
        facts = analyse(item.path)
    except Skipped as skipped:
        return skipped
    except Exception as exc:  # a file that breaks a decoder must not stop the scan
        return Skipped(f"cannot read it ({type(exc).__name__}: {str(exc)[:160]})")
    return facts, describe(Path(item.path), Path(item.folder), facts.tags)


def _store_batch(index: LibraryIndex, batch: list[_Todo], measured: list, report: ScanReport
                 ) -> None:
    texts = {text for result in measured if not isinstance(result, Skipped)
             for text in result[1].fields.values()}
    vectors = index.text_vectors(texts)
    missing = sorted(texts - vectors.keys())
    fresh = {}
    if missing:
        from engine.text.embeddings import embed

        fresh = dict(zip(missing, embed(missing)))
        vectors.update(fresh)
    now = time.time()
    with index.transaction() as db:
        index.store_text_vectors(db, fresh)
        for item, result in zip(batch, measured):
            if isinstance(result, Skipped):
                LibraryIndex.put_skipped(db, item.path, item.folder, item.size, item.mtime_ns,
                                         result.code, result.reason)
                report.skipped.append((item.path, result.reason))
                continue
            facts, description = result
            if not description.fields:  # a name of digits only, in the library folder itself
                description.fields["name"] = "recording"
                vectors.setdefault("recording", _embed_one("recording"))
            vector = combine({name: vectors[text] for name, text in description.fields.items()})
            LibraryIndex.put_file(db, _record(item, facts, description, vector, now))
            if item.new:
                report.added += 1
            else:
                report.updated += 1


def _embed_one(text: str):
    from engine.text.embeddings import embed

    return embed([text])[0]


def _record(item: _Todo, facts: FileFacts, description: Description, vector, now: float
            ) -> dict:
    import numpy as np

    tags = facts.tags
    return {
        "path": item.path, "folder": item.folder, "size": item.size, "mtime_ns": item.mtime_ns,
        "duration_s": facts.duration_s, "sample_rate": facts.sample_rate,
        "channels": facts.channels, "format": facts.format, "decoder": facts.decoder,
        "loudness_lufs": facts.loudness_lufs, "peak_dbfs": facts.peak_dbfs,
        "cat_id": description.cat_id, "category": description.category,
        "subcategory": description.subcategory,
        "fx_name": description.ucs.fx_name if description.ucs else Path(item.path).stem,
        "description": " / ".join(tags.texts())[:2000],
        "bext_description": tags.bext_description, "ixml": ixml_json(tags.ixml),
        "folder_words": description.fields.get("folders", ""), "words": description.words,
        "vector": np.asarray(vector, np.float16).tobytes(), "overview": facts.overview,
        "indexed_at": now,
    }
