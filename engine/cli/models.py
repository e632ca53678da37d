"""`models list|download|verify`: the checkpoints the model-based backends use;
`models install-runtime|runtime`: the AI pack (torch and the model libraries) of the desktop
build."""
from __future__ import annotations

import argparse
import json

from engine.cli.common import StderrProgress
from engine.errors import StudioError

USED_BY = {
    "audioldm2": "generator audioldm2", "audioldm2-music": "generator audioldm2 (model setting)",
    "stable-audio-open": "generator stable-audio-open", "tangoflux": "generator tangoflux",
    "flan-t5-large": "tangoflux, audiostory", "audiostory-3b": "generator + planner audiostory",
    "qwen2.5-3b-instruct": "audiostory",
    "stable-audio-3-small": "generator stable-audio-3 (the default)",
    "stable-audio-3-medium": "generator stable-audio-3 (model setting)",
    "piper-en-us-ryan-medium": "generator speech (neural voice)",
    "piper-en-gb-alan-medium": "generator speech (neural voice)",
}


def register(commands) -> None:
    parser = commands.add_parser("models", help="list, download and verify model checkpoints",
                                 description="Model checkpoints for the model-based generators "
                                             "and planners (weights are never bundled).")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True,
                                    parser_class=type(parser))
    listing = actions.add_parser("list", help="every known model and whether it is here")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(run=run_list)
    download = actions.add_parser("download", help="fetch models from the Hugging Face Hub")
    download.add_argument("names", nargs="+", metavar="NAME")
    download.add_argument("--no-deps", action="store_true",
                          help="do not also fetch the models these need beside them")
    download.add_argument("--quiet", action="store_true", help="no progress on stderr")
    download.set_defaults(run=run_download)
    verify = actions.add_parser("verify", help="check that local models are complete")
    verify.add_argument("names", nargs="*", metavar="NAME",
                        help="models to check (default: every model that is here)")
    verify.set_defaults(run=run_verify)
    runtime = actions.add_parser(
        "install-runtime", help="install the AI pack (torch, diffusers, transformers) for the "
                                "desktop build",
        description="Install PyTorch and the model libraries with pip into the AI pack folder "
                    "of your user data, where the desktop app finds them at start-up. A failed "
                    "or cancelled install keeps the previous pack. AUDIOSTORY_TORCH picks "
                    "another torch build (e.g. 'torch==2.5.1'), AUDIOSTORY_TORCH_INDEX adds "
                    "an index (e.g. https://download.pytorch.org/whl/cu124).")
    runtime.add_argument("--requirement", action="append", metavar="REQ", dest="requirements",
                         help="install these instead of the whole pack (repeatable), e.g. "
                              "--requirement torch==2.13.0")
    runtime.add_argument("--find-links", metavar="DIR", action="append", default=[],
                         help="also look for wheels in DIR (an offline wheel folder)")
    runtime.add_argument("--index-url", metavar="URL",
                         help="the package index to use instead of PyPI")
    runtime.add_argument("--no-index", action="store_true",
                         help="use only --find-links folders, no index")
    runtime.add_argument("--quiet", action="store_true", help="no progress on stderr")
    runtime.set_defaults(run=run_install_runtime)
    show = actions.add_parser("runtime", help="where the AI pack is and what this app finds")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(run=run_runtime)


def run_list(args: argparse.Namespace) -> int:
    from engine.checkpoints import CATALOGUE, find_local, models_dir

    rows = []
    for spec in CATALOGUE.values():
        folder = find_local(spec)
        rows.append({"name": spec.name, "repo_id": spec.repo_id, "revision": spec.revision,
                     "size_bytes": spec.size_bytes, "licence": spec.licence,
                     "description": spec.description, "used_by": USED_BY.get(spec.name, ""),
                     "path": str(folder) if folder else None})
    if args.json:
        print(json.dumps({"models_dir": str(models_dir()), "models": rows}, indent=1))
        return 0
    print(f"{'name':<21} {'size':>8}  {'status':<8} {'repo':<36} used by")
    for row, spec in zip(rows, CATALOGUE.values()):
        status = "ready" if row["path"] else "missing"
        print(f"{row['name']:<21} {spec.size_text:>8}  {status:<8} {row['repo_id']:<36} "
              f"{row['used_by']}")
    print(f"\nModels folder: {models_dir()} (set AUDIOSTORY_MODELS_DIR to move it); the "
          "Hugging Face cache is searched too.")
    print("Fetch one with `python main.py models download NAME`. Licences: "
          "`python main.py models list --json`.")
    return 0


def run_download(args: argparse.Namespace) -> int:
    from engine.checkpoints import find_local, get_spec
    from engine.checkpoints.download import download

    specs = [get_spec(name) for name in args.names]  # unknown names fail before any download
    wanted = []
    for spec in specs:
        wanted.append(spec)
        if not args.no_deps:
            wanted += [get_spec(n) for n in spec.needs if find_local(get_spec(n)) is None]
    progress = StderrProgress(args.quiet)
    seen = set()
    for spec in wanted:
        if spec.name in seen:
            continue
        seen.add(spec.name)
        here = find_local(spec)
        if here is not None:
            print(f"{spec.name}: already on this machine in {here}")
            continue
        folder = download(spec, progress.stage(spec.name))
        print(f"{spec.name}: {spec.repo_id} ready in {folder} (licence: {spec.licence})")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from engine.checkpoints import CATALOGUE, find_local, get_spec
    from engine.checkpoints.catalogue import format_size
    from engine.checkpoints.verify import verify

    specs = [get_spec(n) for n in args.names] if args.names else [
        s for s in CATALOGUE.values() if find_local(s) is not None]
    if not specs:
        print("no models on this machine yet; see `python main.py models list`.")
        return 0
    failed = 0
    for spec in specs:
        report = verify(spec)
        if report.ok:
            print(f"{spec.name}: ok ({report.tensors} tensors, {format_size(report.size_bytes)}"
                  f" in {report.folder})")
        else:
            failed += 1
            print(f"{spec.name}: {'; '.join(report.problems)}"
                  + (f" ({report.folder})" if report.folder else ""))
    if failed:
        raise StudioError(f"{failed} of {len(specs)} models are missing or damaged; fetch them "
                          "again with `python main.py models download NAME`.")
    return 0


def run_install_runtime(args: argparse.Namespace) -> int:
    from engine import ai_pack

    options = [option for folder in args.find_links for option in ("--find-links", folder)]
    if args.index_url:
        options += ["--index-url", args.index_url]
    if args.no_index:
        options.append("--no-index")
    if not ai_pack.frozen():
        print("note: this is not the desktop build; this Python finds its own torch, and only "
              "the desktop build reads the AI pack.")
    status = ai_pack.install(args.requirements, tuple(options), StderrProgress(args.quiet))
    for line in status.lines():
        print(line)
    return 0


def run_runtime(args: argparse.Namespace) -> int:
    from engine import ai_pack

    status = ai_pack.status()
    if args.json:
        print(json.dumps(status.to_json(), indent=1))
    else:
        for line in status.lines():
            print(line)
    return 0
