"""Only the workflow engine assigns a workflow state field (DESIGN: the workflow engine).

Walks every Python source file of the project (tests and migrations excluded) and fails on
- an assignment to ``<anything>.<state_field>`` (``obj.status = …``, ``+=``, annotated),
- ``setattr(obj, "<state_field>", …)``,
- a ``<state_field>=`` keyword in ``update``/``create``/``bulk_create``/``get_or_create``/
  ``update_or_create``/model constructor calls,
outside ``facadeops/core/workflow.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

from facadeops.core.workflow import registered

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "core" / "workflow.py"
WRITE_CALLS = {"update", "create", "bulk_create", "get_or_create", "update_or_create", "defaults"}


def _state_fields() -> set[str]:
    apps.get_app_configs()
    # Import every app's workflow module so the registry is complete.
    from importlib import import_module

    for cfg in apps.get_app_configs():
        if cfg.name.startswith("facadeops."):
            try:
                import_module(f"{cfg.name}.workflow")
            except ModuleNotFoundError as exc:
                if exc.name != f"{cfg.name}.workflow":
                    raise
    return {wf.state_field for wf in registered().values()} | {"status"}


def _violations(path: Path, fields: set[str], model_names: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign) and node.target is not None:
            targets = [node.target]
        for t in targets:
            for el in ast.walk(t):
                if isinstance(el, ast.Attribute) and el.attr in fields:
                    found.append(f"{path}:{getattr(node, 'lineno', 0)}: assigns .{el.attr}")
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "setattr" and len(node.args) >= 2:
                arg = node.args[1]
                if isinstance(arg, ast.Constant) and arg.value in fields:
                    found.append(f"{path}:{node.lineno}: setattr {arg.value}")
            if name in WRITE_CALLS or name in model_names:
                for kw in node.keywords:
                    if kw.arg in fields:
                        found.append(f"{path}:{node.lineno}: {name}({kw.arg}=…)")
    return found


def _sources() -> list[Path]:
    return [
        p
        for p in ROOT.rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts and p != ENGINE
    ]


def test_no_code_outside_the_engine_assigns_a_state_field() -> None:
    fields = _state_fields()
    model_names = {m.__name__ for m in registered()}
    problems = [v for p in _sources() for v in _violations(p, fields, model_names)]
    assert problems == [], (
        "State fields may only be changed by core.workflow.transition():\n" + "\n".join(problems)
    )


def test_the_scan_finds_a_planted_violation(tmp_path: Path) -> None:
    """The scanner itself works: each forbidden form is reported."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "obj.status = 'done'\n"
        "setattr(obj, 'status', 'x')\n"
        "Thing.objects.filter(pk=1).update(status='x')\n"
        "Thing.objects.create(status='x')\n"
        "Contract(status='x')\n",
        encoding="utf-8",
    )
    found = _violations(bad, {"status"}, {"Contract"})
    assert len(found) == 5, found
