"""``make audit``: pip-audit over the locked environment (.venv, synced from uv.lock), with
the three outcomes told apart — a plain "No known vulnerabilities found" from pip-audit also
appears when it could not look a single package up, which is not a clean result.

Exit status:
  0  every installed package was looked up and none has a known vulnerability
     (apart from the documented exceptions, docs/reliability.md "pip-audit")
  1  vulnerabilities found (listed, with the fixed versions)
  2  the vulnerability service could not be reached (network) — nothing was audited
  3  some packages could not be looked up (listed) — the audit is incomplete

Usage: scripts/audit.py [--ignore-vuln ID ...] [pip-audit options, e.g. -s osv]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIP_AUDIT = ROOT / ".venv" / "bin" / "pip-audit"
OWN = {"facadeops"}  # the project itself is not on PyPI


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        cmd = [
            str(PIP_AUDIT),
            "--local",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(out),
            *argv,
        ]
        run = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if not out.exists():
            tail = (run.stderr or run.stdout).strip().splitlines()[-3:]
            print("pip-audit: NOT AUDITED — the vulnerability service could not be reached:")
            print("  " + "\n  ".join(tail))
            return 2
        report = json.loads(out.read_text())
    deps = [d for d in report.get("dependencies", []) if d.get("name") not in OWN]
    skipped = [d for d in deps if "skip_reason" in d]
    vulnerable = [d for d in deps if d.get("vulns")]
    audited = len(deps) - len(skipped)
    print(f"pip-audit: {len(deps)} packages, {audited} looked up, {len(skipped)} not found")
    for d in vulnerable:
        for v in d["vulns"]:
            fix = ", ".join(v.get("fix_versions") or []) or "no fixed version"
            print(f"  VULNERABLE {d['name']} {d['version']}: {v['id']} (fixed in: {fix})")
    if vulnerable:
        return 1
    if skipped:
        names = ", ".join(f"{d['name']} {d.get('version', '')}".strip() for d in skipped[:12])
        more = f" and {len(skipped) - 12} more" if len(skipped) > 12 else ""
        print(f"pip-audit: INCOMPLETE — no vulnerability data for: {names}{more}")
        return 3
    print("pip-audit: clean")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
