"""REG-4.4.1: the whole complaint file — every round, evidence, approvals, the customer's
verdicts and what they were told — becomes one archive entry (PDF in Chinese, retention of
its record type, Chinese full-text search), only for a closed complaint, by the service
head."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from facadeops.archive.models import ArchiveEntry
from facadeops.archive.selectors import entry_search
from facadeops.complaints import services as cs
from facadeops.complaints.models import ComplaintStatus
from facadeops.complaints.tests.test_process import _approved, _complaint, _handled, _investigated
from facadeops.core.errors import Conflict, Forbidden, TransitionNotAllowed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("poppler-utils missing: run scripts/system-deps.sh")
    f = tmp_path / "file.pdf"
    f.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(f), "-"], capture_output=True, text=True, check=True
    ).stdout


def _closed_after_two_rounds(people: dict[str, Any], world: dict[str, Any]) -> Any:
    c = _handled(people, _approved(people, _investigated(people, world, _complaint(people, world))))
    c = cs.complaint_transition(
        actor=world["customer_user_a"], complaint=c, name="reject", note="雨后又漏了"
    )
    c = _handled(people, _approved(people, _investigated(people, world, c)))
    return cs.complaint_transition(actor=people["agent"], complaint=c, name="accept", note="满意")


def test_reg_4_4_1_the_closed_file_is_archived_as_one_pdf_found_by_chinese_search(
    people: dict[str, Any], world: dict[str, Any], tmp_path: Path
) -> None:
    c = _closed_after_two_rounds(people, world)
    with pytest.raises(TransitionNotAllowed):  # the service head archives
        cs.complaint_transition(actor=people["manager"], complaint=c, name="archive")
    with pytest.raises(Forbidden):
        cs.archive_complaint(actor=people["agent"], complaint=c)
    c = cs.complaint_transition(actor=people["head"], complaint=c, name="archive")
    assert c.status == ComplaintStatus.ARCHIVED and c.archived_at is not None
    entry = ArchiveEntry.objects.get(number=c.number)
    assert entry.record_type.code == "complaint_file"
    assert (entry.customer, entry.project) == (world["customer_a"], world["project_a"])
    assert entry.retention_until.year == entry.record_date.year + entry.record_type.retention_years
    with entry.dossier.open("rb") as fh:
        text = _pdf_text(fh.read(), tmp_path)
    for expected in ["投诉档案", c.number, "雨后又漏了", "淋水试验并向客户汇报", "已重新打胶"]:
        assert expected in text, expected
    # both rounds' verdicts and every customer update are in the file
    assert "满意" in text and "您的投诉已受理" in text
    found = set(entry_search(user=people["head"], q="打胶不连续").values_list("pk", flat=True))
    assert entry.pk in found
    own = set(entry_search(user=world["customer_user_a"], q="打胶").values_list("pk", flat=True))
    other = set(entry_search(user=world["customer_user_b"], q="打胶").values_list("pk", flat=True))
    assert entry.pk in own and entry.pk not in other
    # idempotent
    assert cs.archive_complaint(actor=people["head"], complaint=c) == entry


def test_reg_4_4_1_an_open_complaint_is_not_archived(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    c = _complaint(people, world)
    with pytest.raises(Conflict):
        cs.archive_complaint(actor=people["head"], complaint=c)
    assert not ArchiveEntry.objects.exists()
