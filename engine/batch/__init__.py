"""Batches: many stories from a JOBS.jsonl file, on this machine or a Ray cluster, resumable,
with the same results whichever way they run (see `main.py batch --help`)."""
from engine.batch.batch import BatchSummary, run_batch
from engine.batch.jobs import BadLine, BatchJob, ExportOptions, read_jobs
from engine.batch.manifest import MANIFEST, Manifest
from engine.batch.runners import Outcome, PoolRunner, SerialRunner

__all__ = ["MANIFEST", "BadLine", "BatchJob", "BatchSummary", "ExportOptions", "Manifest",
           "Outcome", "PoolRunner", "SerialRunner", "read_jobs", "run_batch"]
