"""Benchmark settings: the production settings plus one URL, the framework floor."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Workaround (reported to the lead): collectstatic with CompressedManifestStaticFilesStorage
# fails on vendor/signature_pad/signature_pad.umd.min.js (its source map is not copied by
# scripts/copy-assets.sh). Hashed names are irrelevant to the figures; compression is kept.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
