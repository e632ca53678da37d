"""The sound designer's own library: an index of their recordings, searched by meaning.

    index = LibraryIndex()                       # ~/.local/share/AudioStory Studio/library.sqlite
    index.add_folder(normalise_folder("~/SFX"))
    scan_folders(index, progress=print)          # new, changed and removed files
    LibrarySearch(index).search("rain on a tin roof", limit=5)

Nothing here imports Qt; the CLI (`main.py library ...`), the `library` generator and the
editor's Library panel all go through these three names.
"""
from engine.library.index import LibraryBusy, LibraryIndex, default_index_path
from engine.library.scan import ScanReport, normalise_folder, scan_folders
from engine.library.search import LibrarySearch, SearchResult

__all__ = ["LibraryBusy", "LibraryIndex", "LibrarySearch", "ScanReport", "SearchResult",
           "default_index_path", "normalise_folder", "scan_folders"]
