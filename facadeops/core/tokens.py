"""The one digest of a secret token (API tokens, idempotency principals)."""

from __future__ import annotations

import hashlib


def token_digest(raw: str) -> str:
    """sha256 hex digest of a raw token: what is stored, never the token itself."""
    return hashlib.sha256(raw.encode()).hexdigest()
