"""The toolkit of ``manage.py generate_company`` (issue 7): bulk rows and shared state.

Each app's ``demo.py`` contributes its part of the generated company through its
``DemoPiece.generate(gen)`` (``core.demo``); this module holds what they share: the
``CompanyGenerator`` (sizes, the seeded ``rng``, ``now``, the ``Writer``, the counts, a
progress bar, and what one piece hands the next — staff ids per role, projects,
materials) and the bulk writer (``COPY`` on PostgreSQL, ``executemany`` elsewhere, with
explicit ids). It imports no domain app.
"""

from __future__ import annotations

import functools
import random
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb

if TYPE_CHECKING:
    from facadeops.core.demo import DemoPiece

GEN_MARK = "GEN"  # user names and customer codes carry it (idempotency check)
BATCH = 20_000


def pick(rng: random.Random, weights: list[tuple[Any, int]]) -> Any:
    """One value of ``[(value, weight), …]``, drawn with ``rng``."""
    return rng.choices([w[0] for w in weights], [w[1] for w in weights])[0]


def chunks(it: Iterable[Any], n: int) -> Iterator[list[Any]]:
    """``it`` in lists of ``n`` (the last one shorter)."""
    buf: list[Any] = []
    for x in it:
        buf.append(x)
        if len(buf) >= n:
            yield buf
            buf = []
    if buf:
        yield buf


class Progress:
    """A one-line progress bar on stderr (no dependency)."""

    def __init__(self, label: str, total: int, out: Any = sys.stderr, quiet: bool = False):
        self.label, self.total, self.out, self.quiet = label, max(total, 1), out, quiet
        self.done, self.t0, self._last = 0, time.perf_counter(), 0.0

    def add(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if not self.quiet and (now - self._last > 0.2 or self.done >= self.total):
            self._last = now
            frac = min(self.done / self.total, 1.0)
            bar = "#" * int(30 * frac)
            rate = self.done / max(now - self.t0, 1e-9)
            self.out.write(
                f"\r{self.label:<14} [{bar:<30}] {self.done:>9}/{self.total} {rate:>9.0f}/s"
            )
            self.out.flush()

    def close(self) -> None:
        if not self.quiet:
            self.out.write("\n")
            self.out.flush()


class Writer:
    """Bulk rows with explicit ids: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self) -> None:
        self.pg = connection.vendor == "postgresql"
        self.next_ids: dict[type[models.Model], int] = {}

    def ids(self, model: type[models.Model], n: int) -> range:
        if model not in self.next_ids:
            top = model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0
            self.next_ids[model] = top + 1
        start = self.next_ids[model]
        self.next_ids[model] = start + n
        return range(start, start + n)

    def write(self, model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
        # Generated columns (e.g. WorkOrder.next_due_at) are computed by the database.
        fields = [f for f in model._meta.concrete_fields if not f.generated]
        cols = [str(f.column) for f in fields]
        table = model._meta.db_table
        defaults = {f.attname: f.get_default() for f in fields if f.has_default()}
        count = 0
        prepared: list[tuple[Any, ...]] = []

        # Per column: attname, default, and a converter. On PostgreSQL psycopg dumps the
        # Python values itself (only JSON needs wrapping) — far faster than get_db_prep_save.
        spec: list[tuple[str, Any, Any]] = []
        conv: Any
        for f in fields:
            default = defaults.get(f.attname)
            if default is None and not f.null and f.empty_strings_allowed:
                default = ""
            if not self.pg:
                conv = functools.partial(f.get_db_prep_save, connection=connection)
            elif isinstance(f, models.JSONField):
                conv = Jsonb
            else:
                conv = None
            spec.append((f.attname, default, conv))

        def values(row: dict[str, Any]) -> tuple[Any, ...]:
            out = []
            for attname, default, conv in spec:
                v = row.get(attname, default)
                if v is None:
                    v = default
                out.append(conv(v) if conv is not None and v is not None else v)
            return tuple(out)

        with connection.cursor() as cur:
            if self.pg:
                sql = "COPY {} ({}) FROM STDIN".format(
                    connection.ops.quote_name(table),
                    ", ".join(connection.ops.quote_name(c) for c in cols),
                )
                with cur.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(values(row))
                        count += 1
            else:
                sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (quoted names)
                    connection.ops.quote_name(table),
                    ", ".join(connection.ops.quote_name(c) for c in cols),
                    ", ".join(["%s"] * len(cols)),
                )
                for row in rows:
                    prepared.append(values(row))
                    count += 1
                    if len(prepared) >= BATCH:
                        cur.executemany(sql, prepared)
                        prepared = []
                if prepared:
                    cur.executemany(sql, prepared)
        return count

    def reset_sequences(self) -> None:
        if not self.pg:
            return
        with connection.cursor() as cur:
            for model in self.next_ids:
                table = model._meta.db_table
                pk = model._meta.pk.column
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk}'), "  # noqa: S608
                    f'COALESCE((SELECT MAX("{pk}") FROM "{table}"), 1))'
                )


class CompanyGenerator:
    """The state the pieces of ``generate_company`` share, in the order they run.

    ``rng`` is the one seeded random source: every piece draws from it in turn, so the
    same seed gives the same company (keep the order of draws when changing a piece).
    """

    def __init__(self, *, projects: int, work_orders: int, years: int, seed: int, quiet: bool):
        self.n_projects, self.n_wo, self.years = projects, work_orders, years
        self.rng = random.Random(seed)  # noqa: S311 (test data, fixed seed)
        self.quiet = quiet
        self.w = Writer()
        self.now = timezone.now().replace(microsecond=0)
        self.counts: dict[str, int] = {}
        # Handed from piece to piece (filled by accounts, customers, materials):
        self.staff: dict[str, list[int]] = {}  # role → user ids
        self.projects: list[tuple[int, int, int, int]] = []  # id, customer, pm, service head
        self.materials: list[int] = []  # material ids
        self.shared: dict[str, Any] = {}  # anything else a later piece needs

    def progress(self, label: str, total: int) -> Progress:
        return Progress(label, total, quiet=self.quiet)

    def run(self, pieces: Iterable[DemoPiece]) -> dict[str, int]:
        """Every piece's ``generate`` in the given (dependency) order; the row counts."""
        for piece in pieces:
            if piece.generate is not None:
                piece.generate(self)
        self.w.reset_sequences()
        return self.counts
