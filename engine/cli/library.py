"""`library`: index the user's own sound library and search it.

    main.py library add ~/SFX "/Volumes/Field Recordings"
    main.py library list
    main.py library search "rain on a tin roof" --limit 5 [--json]
    main.py library rescan
    main.py library remove ~/SFX

The index lives in the user's data folder (`$AUDIOSTORY_LIBRARY` names another file). The
engine modules load inside each command, so `main.py --help` stays quick.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.cli.common import StderrProgress
from engine.errors import InvalidInput

MAX_LIMIT = 1000


def register(commands) -> None:
    parser = commands.add_parser(
        "library", help="index and search your own sound-effects library",
        description="Index folders of recordings (WAV, FLAC, AIFF, MP3, Ogg; M4A, WMA and "
                    "video soundtracks with ffmpeg) and search them by meaning. Rendering "
                    "with --generator library then uses them.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True,
                                    parser_class=type(parser))
    add = actions.add_parser("add", help="add folders and index them",
                             description="Add DIR(s) to the library and index every sound "
                                         "file under them.")
    add.add_argument("folders", nargs="+", type=Path, metavar="DIR")
    add.add_argument("--quiet", action="store_true", help="no progress on stderr")
    add.set_defaults(run=run_add)
    listing = actions.add_parser("list", help="the library's folders and what they hold")
    listing.add_argument("--skipped", action="store_true",
                         help="also list every file that was left out, with the reason")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(run=run_list)
    remove = actions.add_parser("remove", help="take a folder out of the library",
                                description="Forget DIR and its files (the files are not "
                                            "touched).")
    remove.add_argument("folder", type=Path, metavar="DIR")
    remove.set_defaults(run=run_remove)
    rescan = actions.add_parser("rescan", help="bring the index up to date with the folders",
                                description="Index new and changed files, forget removed "
                                            "ones.")
    rescan.add_argument("--quiet", action="store_true", help="no progress on stderr")
    rescan.set_defaults(run=run_rescan)
    search = actions.add_parser("search", help="find recordings by what they sound like",
                                description='Search by meaning: "a dog barking far away" '
                                            "finds ANMLDog_Bark Distant.wav.")
    search.add_argument("query", help="what you are looking for, in quotes")
    search.add_argument("--limit", type=_limit, default=10, metavar="N",
                        help="how many results (default 10)")
    search.add_argument("--json", action="store_true",
                        help="print a JSON list, best first: path, score, duration_s, category")
    search.set_defaults(run=run_search)


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"{value} is outside 1 .. {MAX_LIMIT}")
    return value


def _index():
    from engine.library import LibraryIndex

    return LibraryIndex()


def run_add(args: argparse.Namespace) -> int:
    from engine.library import normalise_folder

    folders = []
    for folder in args.folders:
        if not folder.expanduser().is_dir():
            raise InvalidInput(f"{folder}: no such folder; give the folder that holds your "
                               "sound files.")
        folders.append(normalise_folder(folder))
    with _index() as index:
        for folder in folders:
            if not index.add_folder(folder):
                print(f"{folder} is already in the library; looking for changes",
                      file=sys.stderr)
        return _scan(index, folders, args.quiet)


def run_rescan(args: argparse.Namespace) -> int:
    with _index() as index:
        if not index.folder_paths():
            raise InvalidInput("the library has no folders yet; add one with "
                               "`main.py library add DIR`.")
        return _scan(index, None, args.quiet)


def _scan(index, folders, quiet: bool) -> int:
    from engine.library import scan_folders
    from engine.progress import CancelToken

    progress = StderrProgress(quiet)
    report = scan_folders(index, folders, progress.stage("library"), CancelToken())
    for path, reason in report.skipped:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    for folder in report.unreachable:
        print(f"warning: {folder} cannot be reached (an unplugged drive?); its files stay "
              "in the library", file=sys.stderr)
    print(f"library: {report.summary()}; {index.file_count()} files in the library")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with _index() as index:
        folders = index.folders()
        skipped = index.skipped() if args.skipped else []
        if args.json:
            print(json.dumps({
                "index": str(index.path),
                "folders": [{"path": f.path, "files": f.files, "skipped": f.skipped,
                             "reachable": f.reachable} for f in folders],
                "skipped": [{"path": s.path, "reason": s.reason} for s in skipped]}, indent=1))
            return 0
        if not folders:
            print(f"the library is empty ({index.path}); add a folder with "
                  "`main.py library add DIR`")
            return 0
        for folder in folders:
            state = "" if folder.reachable else "  (not reachable)"
            print(f"{folder.path}: {folder.files} files, {folder.skipped} skipped{state}")
        for item in skipped:
            print(f"  skipped {item.path}: {item.reason}")
        print(f"{sum(f.files for f in folders)} files in {len(folders)} folders ({index.path})")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from engine.library import normalise_folder

    folder = normalise_folder(args.folder)
    with _index() as index, index.writer():
        if folder not in index.folder_paths():
            known = ", ".join(index.folder_paths()) or "none"
            raise InvalidInput(f"{folder} is not in the library (its folders: {known}).")
        count = index.remove_folder(folder)
    print(f"removed {folder} from the library ({count} files forgotten; nothing was deleted "
          "from disk)")
    return 0


def run_search(args: argparse.Namespace) -> int:
    from engine.library import LibrarySearch

    query = " ".join((args.query or "").split())
    if not query:
        raise InvalidInput('the search is empty; describe the sound, e.g. "door creaks open".')
    with _index() as index:
        if not index.file_count():
            raise InvalidInput("the library is empty; add a folder with "
                               "`main.py library add DIR`.")
        results = LibrarySearch(index).search(query, args.limit)
    if args.json:
        print(json.dumps([r.to_json() for r in results], indent=1, ensure_ascii=False))
        return 0
    for rank, result in enumerate(results, 1):
        category = f"  [{result.category_label}]" if result.category else ""
        print(f"{rank:2d}. {result.score:5.2f}  {result.duration_s:7.2f} s  "
              f"{result.path}{category}")
    return 0
