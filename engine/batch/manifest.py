"""The batch manifest: `manifest.jsonl` under --out, one record per job run, appended.

    {"name": "storm-01", "key": "…", "status": "done", "outputs": [{"path": "storm-01/storm-01.wav",
     "kind": "master", "bytes": 2880044, "loudness": {…}}], "loudness": {…}, "time_s": 3.1,
     "error": null, "finished_at": "2026-12-01T22:31:05Z", …}

Only the coordinator writes it, one line at a time, flushed to disk before the next job's
result is taken, so a crash or a Ctrl+C loses at most the record being written (a torn
last line is ignored on reading). The newest record of a name is its state: a rerun skips a
job whose newest record is `done` under the same key with all its outputs still there.
"""
from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MANIFEST = "manifest.jsonl"


class Manifest:
    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / MANIFEST

    def latest(self) -> dict[str, dict[str, Any]]:
        """The newest record of every job name."""
        records: dict[str, dict[str, Any]] = {}
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return records
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a line torn by a crash
            if isinstance(record, dict) and isinstance(record.get("name"), str):
                records[record["name"]] = record
        return records

    def finished(self, name: str, key: str, out_dir: Path,
                 latest: dict[str, dict[str, Any]]) -> bool:
        """A done record under this key, and every output it lists is still on disk."""
        record = latest.get(name)
        if not record or record.get("status") != "done" or record.get("key") != key:
            return False
        return all(_intact(out_dir / item["path"], item.get("bytes"))
                   for item in record.get("outputs", []))

    def append(self, record: dict[str, Any]) -> None:
        record = {**record, "finished_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as handle:
            if handle.tell() and not _ends_with_newline(self.path):
                handle.write("\n")  # after a torn line, start a fresh one
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())


def _intact(path: Path, size: int | None) -> bool:
    try:
        return path.is_file() and (size is None or path.stat().st_size == size)
    except OSError:
        return False


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"
