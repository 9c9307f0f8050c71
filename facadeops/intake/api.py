"""Intake API: ``/api/v1/intake``."""

from __future__ import annotations

from ninja import Router

PREFIX = "/intake"
router = Router(tags=["intake"])
