"""`train --config FILE`: train (or fine-tune) the AudioStory model on a story dataset."""
from __future__ import annotations

import argparse
from pathlib import Path

from engine.cli.common import StderrProgress


def register(commands) -> None:
    parser = commands.add_parser(
        "train", help="train the AudioStory model on a dataset of stories",
        description="Train the AudioStory model (LoRA on the LLM, projectors, fuser, DiT) on "
                    "a dataset of stories with timed, captioned events and their audio. Runs "
                    "on a CPU, a GPU, or many under `accelerate launch main.py train ...`.")
    parser.add_argument("--config", type=Path, required=True, metavar="FILE",
                        help="training configuration (YAML or JSON; see engine/training/config.py)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.training.config import read_train_config
    from engine.training.trainer import train

    config = read_train_config(args.config)
    result = train(config, StderrProgress(args.quiet, "training"))
    window = max(1, min(5, len(result.history) // 2))
    first = sum(h["total"] for h in result.history[:window]) / window
    last = sum(h["total"] for h in result.history[-window:]) / window
    print(f"trained {len(result.history)} steps: mean loss {first:.4f} over the first {window} "
          f"-> {last:.4f} over the last {window}; checkpoint in {result.output}")
    return 0
