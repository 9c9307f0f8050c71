"""Fail on function-local imports of FacadeOps modules (issue 12).

An import of ``facadeops.…`` (or a relative import) inside a function is usually a
dependency pointing the wrong way, hidden from the import graph's order so that a circle
does not break at start-up. Such imports are refused here; the import contracts of
``.importlinter`` then see every arrow. Two kinds stay allowed:

- imports inside ``AppConfig.ready()`` in an ``apps.py`` — Django's documented place for
  code that needs the app registry (signals, registrations);
- an import whose line (or the line before it) carries ``# lazy:`` with the reason, for a
  real start-up cost (e.g. WeasyPrint) — never to dodge a circle.

Tests, migrations and ``if TYPE_CHECKING:`` blocks are not checked.

    python scripts/check_local_imports.py [paths…]   (default: facadeops config)
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOTS = ("facadeops", "config")
SKIP_PARTS = {"tests", "migrations"}


def _is_ours(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative: always ours
            return True
        return bool(node.module) and node.module.split(".")[0] in ROOTS
    return any(alias.name.split(".")[0] in ROOTS for alias in node.names)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def check_file(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source, filename=str(path))
    problems: list[str] = []

    def lazy_marked(lineno: int) -> bool:
        here = lines[lineno - 1]
        before = lines[lineno - 2] if lineno >= 2 else ""
        return "# lazy:" in here or before.strip().startswith("# lazy:")

    def visit(node: ast.AST, func: str | None, in_ready: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                continue
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                ready = path.name == "apps.py" and child.name == "ready"
                visit(child, child.name, in_ready or ready)
                continue
            if (
                isinstance(child, ast.Import | ast.ImportFrom)
                and func is not None
                and not in_ready
                and _is_ours(child)
                and not lazy_marked(child.lineno)
            ):
                problems.append(f"{path}:{child.lineno}: import inside {func}()")
            visit(child, func, in_ready)

    visit(tree, None, False)
    return problems


def main(argv: list[str]) -> int:
    targets = [Path(a) for a in argv] or [Path(r) for r in ROOTS]
    files: list[Path] = []
    for target in targets:
        files.extend([target] if target.is_file() else sorted(target.rglob("*.py")))
    problems: list[str] = []
    for f in files:
        if SKIP_PARTS & set(f.parts):
            continue
        problems.extend(check_file(f))
    for p in problems:
        print(p)
    if problems:
        print(
            f"{len(problems)} function-local import(s) of FacadeOps modules: import at the top "
            "of the module, or move the dependency (docs/architecture.md)."
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
