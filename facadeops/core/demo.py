"""The demo registry: each app contributes its demo data and its benchmark company.

Every installed ``facadeops.<app>`` with a ``demo.py`` defines a module-level ``PIECE =
DemoPiece(...)``. ``manage.py loaddemo`` runs every piece's ``load(ctx)`` and
``manage.py generate_company`` every piece's ``generate(gen)``, in dependency order
(``after``), so a new app adds its demo data without touching core. Discovery is by name
(``importlib``), like the API routers in ``config/api.py``: core imports no domain app.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.apps import apps as django_apps

if TYPE_CHECKING:
    from facadeops.core.generator import CompanyGenerator


@dataclass(frozen=True)
class DemoPiece:
    """One app's share of the demo data and of the generated benchmark company."""

    app: str  # "accounts"
    after: tuple[str, ...] = ()  # apps whose pieces must run first
    # Demo data of `make run` (inside loaddemo's transaction); ctx is handed along.
    load: Callable[[dict[str, Any]], None] | None = None
    # Benchmark company (generate_company); pieces hand each other data through `gen`.
    generate: Callable[[CompanyGenerator], None] | None = None
    # True when this app's demo data is already there (loaddemo then changes nothing).
    loaded: Callable[[], bool] | None = None
    # Lines printed after loaddemo (e.g. the demo logins).
    summary: Callable[[], list[str]] | None = None
    # True when a generated company is already there (generate_company refuses).
    generated: Callable[[], bool] | None = None


class DemoOrderError(RuntimeError):
    """A piece depends on an app without a piece, or the dependencies form a cycle."""


def installed_apps() -> list[str]:
    """The installed FacadeOps apps (``facadeops.<app>``), in INSTALLED_APPS order."""
    return [
        config.name.split(".")[1]
        for config in django_apps.get_app_configs()
        if config.name.startswith("facadeops.")
    ]


def discover(apps: Iterable[str]) -> list[DemoPiece]:
    """The ``PIECE`` of each ``facadeops.<app>.demo`` that exists, in the given order."""
    found: list[DemoPiece] = []
    for app in apps:
        name = f"facadeops.{app}.demo"
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        piece = getattr(module, "PIECE", None)
        if piece is None:
            continue
        if not isinstance(piece, DemoPiece):
            raise TypeError(f"{name}.PIECE must be a DemoPiece, not {type(piece).__name__}")
        if piece.app != app:
            raise DemoOrderError(f"{name}.PIECE is named {piece.app!r}, expected {app!r}")
        found.append(piece)
    return found


def ordered(pieces: Sequence[DemoPiece]) -> list[DemoPiece]:
    """``pieces`` sorted so that each runs after the apps in its ``after``.

    Stable: of the pieces whose dependencies have run, the earliest in ``pieces`` goes
    next. A dependency on an app without a piece, a duplicate app or a cycle raises
    ``DemoOrderError``.
    """
    index: dict[str, int] = {}
    for i, piece in enumerate(pieces):
        if piece.app in index:
            raise DemoOrderError(f"Two demo pieces for app {piece.app!r}.")
        index[piece.app] = i
    waiting: dict[str, set[str]] = {}
    dependants: dict[str, list[str]] = {p.app: [] for p in pieces}
    for piece in pieces:
        missing = [a for a in piece.after if a not in index]
        if missing:
            raise DemoOrderError(
                f"Demo piece {piece.app!r} runs after {', '.join(map(repr, missing))}, "
                "which has no demo piece (not installed, or no PIECE in its demo.py)."
            )
        waiting[piece.app] = set(piece.after)
        for dep in piece.after:
            dependants[dep].append(piece.app)
    ready = [index[app] for app, deps in waiting.items() if not deps]
    heapq.heapify(ready)
    result: list[DemoPiece] = []
    while ready:
        piece = pieces[heapq.heappop(ready)]
        result.append(piece)
        for app in dependants[piece.app]:
            waiting[app].discard(piece.app)
            if not waiting[app]:
                heapq.heappush(ready, index[app])
    if len(result) < len(pieces):
        stuck = sorted((a for a, deps in waiting.items() if deps), key=index.__getitem__)
        raise DemoOrderError(
            "Demo pieces depend on each other in a cycle: " + ", ".join(map(repr, stuck))
        )
    return result


def pieces() -> list[DemoPiece]:
    """Every installed app's demo piece, in dependency order (ties: INSTALLED_APPS order)."""
    return ordered(discover(installed_apps()))
