"""Compile every .po file (project locale/ and each app's locale/) into .mo with msgfmt.

.mo files are build output and not committed."""

import subprocess
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
failed = False
for po in sorted(
    [*root.glob("locale/*/LC_MESSAGES/*.po"), *root.glob("facadeops/*/locale/*/LC_MESSAGES/*.po")]
):
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        continue
    result = subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=False)
    failed = failed or result.returncode != 0
sys.exit(1 if failed else 0)
