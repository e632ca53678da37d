"""The library index: one SQLite database (WAL journal: readers never wait for the scan).

Tables: `folders` the user added; `files`, one row per indexed recording (path, size, mtime,
format, length, rate, channels, loudness, peak, UCS category / subcategory / CatID, FX name,
bext and iXML fields, folder words, its words for exact search, its text vector and a
waveform overview); `skipped`, the files left out and why; `file_words`, an FTS5 table over each
file's words (Porter stemming: "barking" finds "bark"); `texts`, every distinct text already
embedded, so a rescan or a second folder of variations embeds nothing twice.

One writer at a time: `writer()` takes a lock file beside the database and fails at once,
with who holds it, when another scan runs. Every batch of files is its own transaction, so
an interrupted scan keeps what it finished and the next one carries on from there.
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.errors import ProjectError, StudioError
from engine.locations import data_dir

SCHEMA_VERSION = 1
EMBEDDING_MODEL = "all-MiniLM-L6-v2"
INDEX_ENV = "AUDIOSTORY_LIBRARY"  # another index file (tests, several libraries)
INDEX_FILE = "library.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS folders (path TEXT PRIMARY KEY, added_at REAL NOT NULL,
    scanned_at REAL);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, folder TEXT NOT NULL,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, duration_s REAL NOT NULL,
    sample_rate INTEGER NOT NULL, channels INTEGER NOT NULL, format TEXT NOT NULL,
    decoder TEXT NOT NULL, loudness_lufs REAL, peak_dbfs REAL, cat_id TEXT NOT NULL,
    category TEXT NOT NULL, subcategory TEXT NOT NULL, fx_name TEXT NOT NULL,
    description TEXT NOT NULL, bext_description TEXT NOT NULL, ixml TEXT NOT NULL,
    folder_words TEXT NOT NULL, words TEXT NOT NULL, vector BLOB NOT NULL,
    overview BLOB NOT NULL, indexed_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS files_folder ON files (folder);
CREATE TABLE IF NOT EXISTS skipped (path TEXT PRIMARY KEY, folder TEXT NOT NULL,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, code TEXT NOT NULL, reason TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS skipped_folder ON skipped (folder);
CREATE VIRTUAL TABLE IF NOT EXISTS file_words USING fts5 (words, tokenize = 'porter unicode61');
CREATE TABLE IF NOT EXISTS texts (text TEXT PRIMARY KEY, vector BLOB NOT NULL);
"""
FILE_COLUMNS = ("path", "folder", "size", "mtime_ns", "duration_s", "sample_rate", "channels",
                "format", "decoder", "loudness_lufs", "peak_dbfs", "cat_id", "category",
                "subcategory", "fx_name", "description", "bext_description", "ixml",
                "folder_words", "words", "vector", "overview", "indexed_at")


class LibraryBusy(StudioError):
    """Another process is scanning this library."""


def default_index_path() -> Path:
    override = os.environ.get(INDEX_ENV)
    return Path(override).expanduser() if override else data_dir() / INDEX_FILE


@dataclass(frozen=True)
class FolderInfo:
    path: str
    files: int
    skipped: int
    scanned_at: float | None
    reachable: bool


@dataclass(frozen=True)
class SkippedFile:
    path: str
    code: str
    reason: str


class LibraryIndex:
    """A connection to one index file; safe to share between threads (calls are serialised)."""

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = Path(path) if path is not None else default_index_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=30.0, check_same_thread=False,
                                       isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._check_version()
        except sqlite3.DatabaseError as exc:
            raise ProjectError(f"{self.path}: the library index cannot be opened ({exc}); "
                               "move it aside and add your folders again.") from None
        except OSError as exc:
            raise ProjectError(f"{self.path}: cannot create the library index "
                               f"({exc.strerror or exc}).") from None
        self._lock = threading.RLock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> LibraryIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _check_version(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None:
            self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [
                ("schema_version", str(SCHEMA_VERSION)), ("embedding_model", EMBEDDING_MODEL),
                ("generation", "0")])
        elif int(row[0]) > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"it was written by a newer version (schema {row[0]})")

    # -- reading ---------------------------------------------------------------------------
    def query(self, sql: str, parameters: Iterable = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, tuple(parameters)).fetchall()

    def generation(self) -> int:
        """Grows with every change, so a reader knows when its cached vectors are old."""
        return int(self.query("SELECT value FROM meta WHERE key='generation'")[0][0])

    def folders(self) -> list[FolderInfo]:
        rows = self.query(
            "SELECT f.path, f.scanned_at, (SELECT COUNT(*) FROM files WHERE folder=f.path), "
            "(SELECT COUNT(*) FROM skipped WHERE folder=f.path) FROM folders f ORDER BY f.path")
        return [FolderInfo(path, files, skipped, scanned, Path(path).is_dir())
                for path, scanned, files, skipped in rows]

    def folder_paths(self) -> list[str]:
        return [row[0] for row in self.query("SELECT path FROM folders ORDER BY path")]

    def file_count(self) -> int:
        return int(self.query("SELECT COUNT(*) FROM files")[0][0])

    def known_files(self, folder: str) -> dict[str, tuple[int, int, str | None]]:
        """path -> (size, mtime_ns, skip code or None) of what the index holds of a folder."""
        known: dict[str, tuple[int, int, str | None]] = {
            path: (size, mtime, None) for path, size, mtime in self.query(
            "SELECT path, size, mtime_ns FROM files WHERE folder=?", (folder,))}
        for path, size, mtime, code in self.query(
                "SELECT path, size, mtime_ns, code FROM skipped WHERE folder=?", (folder,)):
            known[path] = (size, mtime, code)
        return known

    def skipped(self, folder: str | None = None) -> list[SkippedFile]:
        sql = "SELECT path, code, reason FROM skipped"
        rows = self.query(sql + " WHERE folder=? ORDER BY path", (folder,)) if folder else \
            self.query(sql + " ORDER BY path")
        return [SkippedFile(*row) for row in rows]

    def text_vectors(self, texts: Iterable[str]) -> dict[str, np.ndarray]:
        texts = list(dict.fromkeys(texts))
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(texts), 500):
            chunk = texts[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for text, blob in self.query(f"SELECT text, vector FROM texts WHERE text IN ({marks})",
                                         chunk):
                found[text] = np.frombuffer(blob, np.float16).astype(np.float32)
        return found

    def rows(self, ids: Iterable[int], columns: tuple[str, ...]) -> dict[int, tuple]:
        ids = list(ids)
        out: dict[int, tuple] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.query(f"SELECT id, {', '.join(columns)} FROM files "
                                  f"WHERE id IN ({marks})", chunk):
                out[row[0]] = row[1:]
        return out

    def file_id(self, path: str | os.PathLike) -> int | None:
        rows = self.query("SELECT id FROM files WHERE path=?", (str(Path(path)),))
        return rows[0][0] if rows else None

    def word_matches(self, word: str) -> list[int]:
        """Ids of the files whose words hold `word` (stemmed), for exact-word boosts."""
        phrase = '"' + word.replace('"', "") + '"'
        try:
            return [row[0] for row in self.query("SELECT rowid FROM file_words WHERE words MATCH ?",
                                                 (phrase,))]
        except sqlite3.OperationalError:
            return []

    # -- writing ---------------------------------------------------------------------------
    @contextmanager
    def writer(self) -> Iterator[None]:
        """The one-writer lock (a lock file beside the index), held while a scan runs."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        handle = open(lock_path, "a+")
        try:
            if not _try_lock(handle):
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise LibraryBusy(f"the library is being scanned by {holder}; wait for it to "
                                  "finish, then try again.")
            handle.seek(0)
            handle.truncate()
            handle.write(f"process {os.getpid()}")
            handle.flush()
            yield
        finally:
            _unlock(handle)
            handle.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                                 "WHERE key='generation'")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def add_folder(self, folder: str) -> bool:
        """Record a folder (True if it is new)."""
        with self.transaction() as db:
            cursor = db.execute("INSERT OR IGNORE INTO folders (path, added_at) VALUES (?, ?)",
                                (folder, time.time()))
            return cursor.rowcount > 0

    def remove_folder(self, folder: str) -> int:
        """Forget a folder and everything indexed in it; the number of files forgotten."""
        with self.transaction() as db:
            ids = [row[0] for row in db.execute("SELECT id FROM files WHERE folder=?", (folder,))]
            db.executemany("DELETE FROM file_words WHERE rowid=?", [(i,) for i in ids])
            db.execute("DELETE FROM files WHERE folder=?", (folder,))
            db.execute("DELETE FROM skipped WHERE folder=?", (folder,))
            db.execute("DELETE FROM folders WHERE path=?", (folder,))
            return len(ids)

    def store_text_vectors(self, db: sqlite3.Connection, vectors: dict[str, np.ndarray]) -> None:
        db.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?)",
                       [(text, np.asarray(v, np.float16).tobytes()) for text, v in vectors.items()])

    @staticmethod
    def put_file(db: sqlite3.Connection, record: dict) -> None:
        """Insert or replace one file's row (and its words) inside a transaction."""
        old = db.execute("SELECT id FROM files WHERE path=?", (record["path"],)).fetchone()
        if old is not None:
            db.execute("DELETE FROM file_words WHERE rowid=?", (old[0],))
            db.execute("DELETE FROM files WHERE id=?", (old[0],))
        db.execute("DELETE FROM skipped WHERE path=?", (record["path"],))
        values = [record[c] for c in FILE_COLUMNS]
        cursor = db.execute(f"INSERT INTO files ({', '.join(FILE_COLUMNS)}) VALUES "
                            f"({', '.join('?' * len(FILE_COLUMNS))})", values)
        db.execute("INSERT INTO file_words (rowid, words) VALUES (?, ?)",
                   (cursor.lastrowid, record["words"]))

    @staticmethod
    def put_skipped(db: sqlite3.Connection, path: str, folder: str, size: int, mtime_ns: int,
                    code: str, reason: str) -> None:
        LibraryIndex.drop_file(db, path)
        db.execute("INSERT OR REPLACE INTO skipped VALUES (?, ?, ?, ?, ?, ?)",
                   (path, folder, size, mtime_ns, code, reason))

    @staticmethod
    def drop_file(db: sqlite3.Connection, path: str) -> None:
        old = db.execute("SELECT id FROM files WHERE path=?", (path,)).fetchone()
        if old is not None:
            db.execute("DELETE FROM file_words WHERE rowid=?", (old[0],))
            db.execute("DELETE FROM files WHERE id=?", (old[0],))
        db.execute("DELETE FROM skipped WHERE path=?", (path,))

    def mark_scanned(self, folder: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE folders SET scanned_at=? WHERE path=?", (time.time(), folder))


def ixml_json(fields: dict[str, str]) -> str:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True)


def _try_lock(handle) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle) -> None:
    try:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except OSError:
        pass
