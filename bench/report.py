"""Regenerate the figures table in docs/benchmarks.md (between the bench markers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
# name: (what, unit, target, higher is better)
FIGURES: dict[str, tuple[str, str, float | None, bool]] = {
    "intake_create_rps": ("create a service request (API), 1 client", "req/s", 400, True),
    "intake_create_rps_4c": ("create a service request (API), 4 clients", "req/s", None, True),
    "complaint_create_rps": ("record a complaint (API), 1 client", "req/s", None, True),
    "complaint_create_rps_4c": ("record a complaint (API), 4 clients", "req/s", None, True),
    "complaint_analysis_quarter_ms": (
        "complaint analysis figures of a quarter, 100,000 complaints (REG-4.4.2)",
        "ms",
        2000,
        False,
    ),
    "wo_list_rps": (
        "work-order list, filtered + sorted, page of 50, 4 clients",
        "req/s",
        700,
        True,
    ),
    "wo_list_p95_ms": ("work-order list p95, 1 client", "ms", 50, False),
    "wo_detail_p95_ms": ("work-order page with timeline p95, 1 client", "ms", 50, False),
    "board_p95_ms": ("service head's board (API) p95, 1 client", "ms", 100, False),
    "dashboard_p95_ms": ("dashboard figures (API) p95, 1 client", "ms", 150, False),
    "counts_by_state_rps": ("dashboard counts per state/urgency, 4 clients", "req/s", 1000, True),
    "framework_floor_rps": (
        "floor: trivial Django JSON view, one INSERT, 4 clients",
        "req/s",
        None,
        True,
    ),
    "db_insert_floor_rps": ("floor: raw psycopg INSERT, 1 connection", "rows/s", None, True),
    "plan_draft_5000_s": ("annual-plan draft for 5,000 projects", "s", 30, False),
    "pdf_report_ms": ("service-report PDF", "ms", 1000, False),
    "list_page_queries": (
        "queries of one list page (same for 10 and 50 rows)",
        "queries",
        None,
        False,
    ),
}


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    return f"{v:,.1f}" if isinstance(v, float) else f"{v:,}"


def table(result: dict[str, Any], previous: dict[str, Any] | None) -> str:
    figs = result["figures"]
    prev = (previous or {}).get("figures", {})
    sc = result["scale"]
    pscale = (previous or {}).get("scale", {})
    lines = [
        f"Run of {result['when']} — scale **{sc['name']}**: {sc['projects']:,} projects, "
        f"{sc['work_orders']:,} work orders over {sc['years']} years; {sc['seconds']} s per "
        f"measurement; {result['machine']['cpus']} CPUs; Python {result['machine']['python']}.",
        "",
        f"Previous: {previous['when'] + ' (' + pscale.get('name', '?') + ')' if previous else 'none'}.",  # noqa: E501
        "",
        "| figure | what | this run | previous | change | target (1M) | met |",
        "|---|---|---:|---:|---:|---:|:-:|",
    ]
    for name, (what, unit, target, higher) in FIGURES.items():
        v, p = figs.get(name), prev.get(name)
        change = f"{100 * (v - p) / p:+.0f} %" if v is not None and p not in (None, 0) else "—"
        if target is None or v is None:
            met = ""
        else:
            met = "yes" if (v >= target if higher else 0 <= v <= target) else "**no**"
        lines.append(
            f"| `{name}` | {what} | {_fmt(v)} {unit} | {_fmt(p)} | {change} | "
            f"{_fmt(target) if target is not None else '—'} | {met} |"
        )
    fl = figs.get("framework_floor_rps")
    if fl:
        lines += ["", "Ratios to the framework floor (4 clients): "
                  + ", ".join(f"`{n}` {figs[n] / fl:.2f}" for n in
                              ("intake_create_rps_4c", "wo_list_rps", "counts_by_state_rps")
                              if figs.get(n))]  # fmt: skip
    return "\n".join(lines)


def write_report(
    result: dict[str, Any], previous: dict[str, Any] | None, doc: Path, results: Path
) -> None:
    body = table(result, previous)
    text = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    doc.write_text(f"{head}{BEGIN}\n{body}\n{END}{tail}")
