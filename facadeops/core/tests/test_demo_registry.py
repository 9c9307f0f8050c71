"""The demo registry (issue 12): each app's demo piece, found by name, run in order."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest

from facadeops.core import demo as registry
from facadeops.core.demo import DemoOrderError, DemoPiece, discover, ordered, pieces

CORE = Path(registry.__file__).resolve().parent
DOMAIN_APPS = {
    "accounts",
    "customers",
    "materials",
    "service",
    "planning",
    "intake",
    "portal",
    "archive",
    "notifications",
}


def _apps(*specs: str | tuple[str, tuple[str, ...]]) -> list[DemoPiece]:
    return [
        DemoPiece(app=s) if isinstance(s, str) else DemoPiece(app=s[0], after=s[1]) for s in specs
    ]


def _names(result: list[DemoPiece]) -> list[str]:
    return [p.app for p in result]


def test_without_dependencies_the_given_order_is_kept() -> None:
    assert _names(ordered(_apps("c", "a", "b"))) == ["c", "a", "b"]


def test_a_piece_runs_after_the_apps_it_names() -> None:
    result = ordered(_apps(("service", ("accounts", "customers")), "customers", "accounts"))
    assert _names(result) == ["customers", "accounts", "service"]


def test_the_sort_is_stable_ties_keep_the_given_order() -> None:
    """Of the pieces that may run, the earliest in INSTALLED_APPS order goes next."""
    result = ordered(_apps("a", ("b", ("c",)), "c", "d", ("e", ("a",))))
    assert _names(result) == ["a", "c", "b", "d", "e"]


def test_the_facadeops_shape_gives_the_generator_order() -> None:
    """accounts, customers, materials, service, planning — the order of the random draws
    of generate_company (a benchmark is only comparable for the same order)."""
    result = ordered(
        _apps(
            "accounts",
            ("customers", ("accounts",)),
            "materials",
            ("service", ("accounts", "customers", "materials")),
            ("planning", ("accounts", "customers", "service")),
        )
    )
    assert _names(result) == ["accounts", "customers", "materials", "service", "planning"]


def test_a_missing_dependency_is_refused_clearly() -> None:
    with pytest.raises(DemoOrderError, match="'complaints' runs after 'quality'"):
        ordered(_apps("accounts", ("complaints", ("accounts", "quality"))))


def test_a_cycle_is_refused_with_the_apps_in_it() -> None:
    with pytest.raises(DemoOrderError, match="cycle: 'b', 'c'"):
        ordered(_apps("a", ("b", ("c",)), ("c", ("b",)), ("d", ("a",))))


def test_a_piece_depending_on_itself_is_a_cycle() -> None:
    with pytest.raises(DemoOrderError, match="cycle: 'a'"):
        ordered(_apps(("a", ("a",))))


def test_two_pieces_for_one_app_are_refused() -> None:
    with pytest.raises(DemoOrderError, match="Two demo pieces"):
        ordered(_apps("a", "a"))


def test_discover_skips_apps_without_a_demo_module(monkeypatch: pytest.MonkeyPatch) -> None:
    piece = DemoPiece(app="with")

    def fake_import(name: str) -> object:
        if name == "facadeops.with.demo":
            return SimpleNamespace(PIECE=piece)
        if name == "facadeops.nopiece.demo":
            return SimpleNamespace()
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    monkeypatch.setattr(registry, "import_module", fake_import)
    assert discover(["without", "with", "nopiece"]) == [piece]


def test_discover_reraises_a_missing_module_inside_a_demo(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A demo.py that exists but imports something missing is an error, not "no demo"."""

    def fake_import(name: str) -> object:
        raise ModuleNotFoundError("No module named 'nothere'", name="nothere")

    monkeypatch.setattr(registry, "import_module", fake_import)
    with pytest.raises(ModuleNotFoundError, match="nothere"):
        discover(["broken"])


def test_discover_refuses_a_piece_named_for_another_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        registry, "import_module", lambda name: SimpleNamespace(PIECE=DemoPiece(app="other"))
    )
    with pytest.raises(DemoOrderError, match="expected 'mine'"):
        discover(["mine"])


def test_the_installed_pieces() -> None:
    """Every app with demo data contributes its piece; loaddemo ran these in this order
    before the registry (accounts, then reference data, customers, service, planning); the
    complaints chapter added its own without touching core."""
    found = pieces()
    assert _names(found) == [
        "accounts",
        "customers",
        "materials",
        "service",
        "planning",
        "complaints",
    ]
    seen: set[str] = set()
    for piece in found:
        assert set(piece.after) <= seen
        seen.add(piece.app)
    by_app = {p.app: p for p in found}
    assert all(p.load is not None for p in found)
    assert by_app["accounts"].loaded is not None and by_app["accounts"].summary is not None
    assert by_app["accounts"].generated is not None
    assert [p.app for p in found if p.generate is not None] == [
        "accounts",
        "customers",
        "materials",
        "service",
        "complaints",
    ]


@pytest.mark.parametrize(
    "module",
    [
        "demo.py",
        "generator.py",
        "management/commands/loaddemo.py",
        "management/commands/generate_company.py",
    ],
)
def test_the_registry_the_toolkit_and_the_commands_import_no_domain_app(module: str) -> None:
    """Issue 12: core imports no domain app; the apps come to it through their demo.py."""
    tree = ast.parse((CORE / module).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            assert not (parts[0] == "facadeops" and parts[1:2] and parts[1] in DOMAIN_APPS), (
                f"{module} imports {name}"
            )
