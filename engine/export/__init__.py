"""Export: the master, stems, markers, labels and an OTIO timeline of a project.

The names below load on first use (PEP 562), so `engine.export.formats` and the other light
modules can be imported (by the command line's help, say) without the mixer and scipy.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.export.exporter import ExportedFile, ExportReport, export_project, write_export
    from engine.export.formats import available_formats
    from engine.export.settings import ExportSettings, check_export

_HOMES = {"ExportReport": "exporter", "ExportedFile": "exporter", "export_project": "exporter",
          "write_export": "exporter", "available_formats": "formats",
          "ExportSettings": "settings", "check_export": "settings"}

__all__ = ["ExportReport", "ExportSettings", "ExportedFile", "available_formats",
           "check_export", "export_project", "write_export"]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value
