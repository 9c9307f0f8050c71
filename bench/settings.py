"""Benchmark settings: the production settings plus one URL, the framework floor.

Static files as in production: hashed and compressed (CompressedManifestStaticFilesStorage,
collected by bench/run.py)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
