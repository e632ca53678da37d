"""Export: the master, stems, markers, labels and an OTIO timeline of a project."""
from engine.export.exporter import ExportedFile, ExportReport, export_project, write_export
from engine.export.formats import available_formats
from engine.export.settings import ExportSettings, check_export

__all__ = ["ExportReport", "ExportSettings", "ExportedFile", "available_formats",
           "check_export", "export_project", "write_export"]
