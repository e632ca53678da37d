"""Where warnings and tracebacks go: a log file in the platform's log folder, so that the
command line keeps stderr to one clear line per problem and the editor keeps them off it."""
from __future__ import annotations

import logging
from pathlib import Path

from engine.locations import log_dir


def log_file(name: str) -> Path:
    return log_dir() / name


def log_to_file(name: str, level: int = logging.WARNING) -> Path:
    """Send the process's logging to `name` in the log folder; returns that path."""
    path = log_file(name)
    try:
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    except OSError:  # no writable log folder: keep the tracebacks off stderr all the same
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    return path
