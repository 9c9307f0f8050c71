"""The service documents as PDF in Chinese with an embedded CJK font (X-9.4, REG-2.4.1,
REG-2.4.2, REG-2.5.1, REG-2.5.2): text extractable with pdftotext, first page rendered to
PNG in test-results/ for inspection, the font embedded (pdffonts), views scoped."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from facadeops.archive.tests import factories
from facadeops.service import documents
from facadeops.service.models import QualityCheck, QualityCheckKind

ROOT = Path(__file__).resolve().parents[3]
RESULTS = ROOT / "test-results"


def _zh(msgid: str) -> str:
    """The zh-Hans label the PDF prints for ``msgid`` (whichever catalogue supplies it)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no zh-Hans translation for {msgid!r}"
    return text


@pytest.fixture(autouse=True)
def _poppler() -> None:
    """The checks read the PDFs back with poppler-utils (installed by `make test`)."""
    missing = [t for t in ("pdftotext", "pdftoppm", "pdffonts", "pdfimages") if not shutil.which(t)]
    if missing:
        pytest.fail(f"poppler-utils missing ({', '.join(missing)}): run scripts/system-deps.sh")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def p(make_user: Callable[..., Any]) -> dict[str, Any]:
    return factories.people(make_user)


@pytest.fixture
def wo(p: dict[str, Any]) -> Any:
    return factories.work_order(p)


def _text(pdf: bytes, tmp_path: Path) -> str:
    f = tmp_path / "doc.pdf"
    f.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(f), "-"], capture_output=True, text=True, check=True
    ).stdout


def _fonts(pdf: bytes, tmp_path: Path) -> str:
    f = tmp_path / "fonts.pdf"
    f.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(f)], capture_output=True, text=True, check=True).stdout


def _png(pdf: bytes, name: str, tmp_path: Path) -> Path:
    RESULTS.mkdir(exist_ok=True)
    f = tmp_path / f"{name}.pdf"
    f.write_bytes(pdf)
    prefix = RESULTS / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(f), str(prefix)],
        check=True,
    )
    return prefix.with_suffix(".png")


def test_service_report_pdf_chinese_text_png_and_embedded_font(wo: Any, tmp_path: Path) -> None:
    """REG-2.4.1, REG-2.5.1, X-9.4: the service report (服务报告) carries the customer,
    project, work order, defects, plan, replaced parts, internal acceptance, signatures — as
    extractable Chinese text in an embedded CJK font; its first page is rendered to PNG."""
    pdf = documents.render_service_report_pdf(wo)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf, tmp_path)
    for expected in [
        "服务报告",
        factories.CUSTOMER_NAME,
        factories.PROJECT_NAME,
        wo.number,
        "钢化玻璃自爆",
        factories.DEFECT_NOTE,
        factories.PLAN_CONTENT,
        "破损钢化中空玻璃",
        "批号 20260315-07",
        factories.QC_FINDINGS,
        factories.RECORD_RESULT,
        "周经理",
        _zh("Customer signature"),
        _zh("Staff signature"),
    ]:
        assert expected in text.replace("\n", ""), expected
    fonts = _fonts(pdf, tmp_path)
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    assert all(line.split()[-5] == "yes" for line in cjk), fonts  # the "emb" column
    png = _png(pdf, "service-report-page1", tmp_path)
    assert png.exists()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_signatures_and_photos_are_embedded_images(wo: Any, tmp_path: Path) -> None:
    """REG-2.4.1: the signature images and the photo thumbnails are in the PDF."""
    f = tmp_path / "r.pdf"
    f.write_bytes(documents.render_service_report_pdf(wo))
    out = subprocess.run(
        ["pdfimages", "-list", str(f)], capture_output=True, text=True, check=False
    ).stdout
    assert out, "pdfimages printed nothing"
    images = [line for line in out.splitlines()[2:] if line.strip()]
    assert len(images) >= 3  # customer signature, staff signature, photo


def test_internal_acceptance_report_pdf(wo: Any, tmp_path: Path) -> None:
    """REG-2.4.2: the internal acceptance report (内部验收报告) with its number, checks and
    conclusion."""
    check = QualityCheck.objects.get(work_order=wo, kind=QualityCheckKind.INTERNAL_ACCEPTANCE)
    text = _text(documents.render_internal_acceptance_pdf(check), tmp_path).replace("\n", "")
    for expected in ["内部验收报告", check.report_number, "资料齐全", "内部验收合格", "陈质检"]:
        assert expected in text, expected


def test_dossier_pdf_holds_every_document(wo: Any, tmp_path: Path) -> None:
    """REG-2.5.2: the dossier (工单档案) holds the service report, the internal acceptance
    report and every plan version in one PDF."""
    pdf = documents.render_dossier_pdf(wo)
    text = _text(pdf, tmp_path).replace("\n", "")
    for expected in [
        "工单档案",
        "服务报告",
        "内部验收报告",
        _zh("Every version of the plan"),
        factories.PLAN_CONTENT,
    ]:
        assert expected in text, expected
    _png(pdf, "dossier-page1", tmp_path)


def test_pdf_views_are_scoped(
    wo: Any, p: dict[str, Any], make_user: Callable[..., Any], client: Any
) -> None:
    """REG-2.4.1 / X-9.4: the PDFs are served to whoever may see the work order; another
    customer's user and an unrelated technician get 404; anonymous users must sign in."""
    names = ["workorder_report_pdf", "workorder_acceptance_pdf", "workorder_dossier_pdf"]
    urls = [reverse(f"service:{n}", args=[wo.pk]) for n in names]
    assert client.get(urls[0]).status_code == 302
    own = make_user("customer", customer=wo.customer)
    client.force_login(own)
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, url
        assert r["Content-Type"] == "application/pdf"
        assert b"".join(r).startswith(b"%PDF") if r.streaming else r.content.startswith(b"%PDF")
    other_customer, _project = factories.customer_and_project(
        p["manager"], p["pm"], name="深圳华润置地物业", project="华润大厦"
    )
    client.force_login(make_user("customer", customer=other_customer))
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(make_user("technician"))
    assert client.get(urls[0]).status_code == 404
    client.force_login(p["quality"])
    assert client.get(urls[1] + "?check=abc").status_code == 404
