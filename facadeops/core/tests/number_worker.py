"""Run by test_numbering in separate OS processes: allocate numbers concurrently.

Usage: python -m facadeops.core.tests.number_worker <db-name> <count> <prefix>
Prints one allocated number per line. Every allocation is its own transaction that also
sleeps a little while holding the counter, so the processes really overlap.
"""

from __future__ import annotations

import os
import sys
import time


def main() -> None:
    db_name, count, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/{db_name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["FACADEOPS_TESTING"] = "1"
    import django

    django.setup()
    from django.db import transaction

    from facadeops.core.numbering import next_number

    out = []
    for i in range(count):
        with transaction.atomic():
            number = next_number(prefix)
            if i % 3 == 0:
                time.sleep(0.002)
        out.append(number)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
