"""Attachments on any record: content checks, re-encoding, refusals, policy, audit (X-9.1),
UI partial and API. Files go to a temporary MEDIA_ROOT; nothing of ours is mocked."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from PIL import Image

from facadeops.audit.models import AuditEvent
from facadeops.core import attachments as att_mod
from facadeops.core.attachments import (
    attachment_add,
    attachment_remove,
    register_attachment_policy,
    safe_display_name,
)
from facadeops.core.errors import Forbidden, InvalidInput, NotFound
from facadeops.core.models import Attachment, Sequence
from facadeops.materials.models import Material, MaterialCategory

URLCONF = "facadeops.core.tests.test_attachments_urlconf"
API = "/api/test/attachments"


# -- helpers --------------------------------------------------------------------------------


pytestmark = pytest.mark.usefixtures("english")


def jpeg_bytes(size: tuple[int, int] = (40, 20), orientation: int | None = None) -> bytes:
    im = Image.new("RGB", size, (200, 30, 30))
    im.paste((10, 10, 240), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x0131] = "secret-software"  # Software
    if orientation:
        exif[0x0112] = orientation
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif.tobytes(), comment=b"private comment")
    return buf.getvalue()


def png_bytes(size: tuple[int, int] = (30, 30), mode: str = "RGBA") -> bytes:
    im = Image.new(mode, size, (0, 128, 0, 128) if mode == "RGBA" else 0)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * 200


def office_zip(kind: str, macro: bool = False) -> bytes:
    buf = io.BytesIO()
    ctype = "application/vnd.ms-word.document.macroEnabled.main+xml" if macro else "main+xml"
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", f"<Types><Override ContentType='{ctype}'/></Types>")
        zf.writestr("_rels/.rels", "<Relationships/>")
        if kind == "docx":
            zf.writestr("word/document.xml", "<w:document/>")
        elif kind == "xlsx":
            zf.writestr("xl/workbook.xml", "<workbook/>")
        if macro:
            zf.writestr("word/vbaProject.bin", b"\x00" * 20)
    return buf.getvalue()


def mp4_bytes() -> bytes:
    return b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00\x00\x00\x08free" * 20


def heic_bytes() -> bytes:
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200


def upload(name: str, data: bytes, ctype: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, data, content_type=ctype)


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def material(db: Any) -> Material:
    cat = MaterialCategory.objects.create(code="SE", name="密封材料")
    return Material.objects.create(
        code="WL-T-1", name="硅酮耐候密封胶", spec_model="590 ml", unit="支", category=cat
    )


@pytest.fixture
def staff(make_user: Any) -> Any:
    return make_user("technician")


def refused(exc: InvalidInput) -> str:
    return " ".join(exc.fields.get("file", [])) or str(exc.message)


# -- service: accepted files ---------------------------------------------------------------


def test_jpeg_is_reencoded_upright_without_metadata(media: Path, material: Material, staff: Any):
    """Upload rule (DESIGN 'Errors and bad input'): images re-encoded, EXIF stripped,
    orientation applied, 320 px thumbnail, audited as 'attached' on the target (X-9.1)."""
    att = attachment_add(
        actor=staff,
        target=material,
        upload=upload("现场照片.jpg", jpeg_bytes((40, 20), orientation=6), "image/jpeg"),
        caption="  渗水点  ",
    )
    assert att.kind == "image" and att.mime == "image/jpeg"
    assert (att.width, att.height) == (20, 40)  # rotated by the EXIF orientation
    assert att.original_name == "现场照片.jpg"
    assert att.caption == "渗水点"
    assert str(att.file.name).startswith("attachments/") and str(att.file.name).endswith(".jpg")
    assert "现场照片" not in str(att.file.name)
    with att.file.open("rb") as fh:
        data = fh.read()
    import hashlib

    assert att.sha256 == hashlib.sha256(data).hexdigest() and att.size == len(data)
    stored = Image.open(io.BytesIO(data))
    assert stored.size == (20, 40)
    assert not dict(stored.getexif())
    assert "exif" not in stored.info and "comment" not in stored.info
    assert att.thumbnail and str(att.thumbnail.name).endswith((".jpg", ".webp"))
    with att.thumbnail.open("rb") as fh:
        thumb = Image.open(io.BytesIO(fh.read()))
    assert max(thumb.size) <= 320
    ev = AuditEvent.objects.get(verb="attached")
    assert ev.target_id == str(material.pk) and ev.actor == staff
    assert ev.after["attachment"] == att.pk and ev.after["file"] == "现场照片.jpg"
    assert ev.context_id == str(material.pk)


def test_large_photo_gets_small_thumbnail(media: Path, material: Material, staff: Any):
    """Thumbnail at most 320 px on the long side."""
    att = attachment_add(
        actor=staff, target=material, upload=upload("big.jpg", jpeg_bytes((1200, 800)))
    )
    with att.thumbnail.open("rb") as fh:
        assert Image.open(io.BytesIO(fh.read())).size == (320, 213)


def test_png_stays_lossless_png(media: Path, material: Material, staff: Any):
    """PNG kept lossless (pixels identical), transparency kept."""
    data = png_bytes()
    att = attachment_add(actor=staff, target=material, upload=upload("detail.png", data))
    assert att.mime == "image/png" and str(att.file.name).endswith(".png")
    with att.file.open("rb") as fh:
        out = Image.open(io.BytesIO(fh.read()))
    assert out.tobytes() == Image.open(io.BytesIO(data)).tobytes()
    assert str(att.thumbnail.name).endswith(".webp")  # alpha → WebP thumbnail


def test_documents_and_video_accepted_by_content(media: Path, material: Material, staff: Any):
    """PDF, .docx, .xlsx (ZIP-based, looked inside) and MP4 are recognised by content."""
    from openpyxl import Workbook

    wb = Workbook()
    ws: Any = wb.active
    ws.append(["物料", "数量"])
    xbuf = io.BytesIO()
    wb.save(xbuf)
    cases = [
        ("plan.pdf", pdf_bytes(), "document", "application/pdf"),
        ("方案.docx", office_zip("docx"), "document", att_mod._TYPES["docx"].mime),
        ("台账.xlsx", xbuf.getvalue(), "document", att_mod._TYPES["xlsx"].mime),
        ("clip.mp4", mp4_bytes(), "video", "video/mp4"),
    ]
    for name, data, kind, mime in cases:
        att = attachment_add(actor=staff, target=material, upload=upload(name, data))
        assert (att.kind, att.mime, att.original_name) == (kind, mime, name)
        assert not att.thumbnail
        with att.file.open("rb") as fh:
            assert fh.read() == data  # documents and videos are stored as they came


def test_unknown_extension_gets_detected_one(media: Path, material: Material, staff: Any):
    """A name without a known extension shows the real type's extension."""
    att = attachment_add(actor=staff, target=material, upload=upload("IMG_0001", jpeg_bytes()))
    assert att.original_name == "IMG_0001.jpg"
    att2 = attachment_add(actor=staff, target=material, upload=upload("photo.png", jpeg_bytes()))
    assert att2.original_name == "photo.jpg"  # mislabelled image: re-encoded, name corrected


# -- service: refusals (nothing stored) ----------------------------------------------------


def assert_nothing_stored(media: Path) -> None:
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []
    assert not AuditEvent.objects.filter(verb="attached").exists()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("empty.jpg", b"", "empty"),
        ("invoice.jpg", pdf_bytes(), ".jpg"),  # a PDF disguised as a photo
        ("tool.jpg", b"MZ\x90\x00" + b"\x00" * 300, ".jpg"),  # a program disguised as a photo
        ("notes.pdf", jpeg_bytes(), ".pdf"),  # a photo disguised as a document
        ("page.html", b"<html><script>alert(1)</script></html>", "not accepted"),
        ("readme.txt", b"just some text\n" * 10, "not accepted"),
        ("archive.zip", office_zip("none"), "not accepted"),
        ("macro.docx", office_zip("docx", macro=True), "macros"),
        ("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100, "damaged"),
    ],
)
def test_refused_files_leave_nothing(
    media: Path, material: Material, staff: Any, name: str, data: bytes, expected: str
):
    """Uploads are checked by content: empty, disguised, not accepted, macro, damaged files
    are refused with a specific message on field ``file``, and nothing is stored."""
    with pytest.raises(InvalidInput) as exc_info:
        attachment_add(actor=staff, target=material, upload=upload(name, data))
    assert expected in refused(exc_info.value)
    assert "file" in exc_info.value.fields
    assert_nothing_stored(media)


def test_oversize_refused_naming_the_limit(
    settings: Any, media: Path, material: Material, staff: Any
):
    """Size limits per kind (settings.ATTACHMENT_MAX_BYTES); the message names the limit."""
    settings.ATTACHMENT_MAX_BYTES = {"image": 2000, "video": 10_000_000, "document": 10_000_000}
    data = jpeg_bytes((300, 300))
    assert len(data) > 2000
    with pytest.raises(InvalidInput) as exc_info:
        attachment_add(actor=staff, target=material, upload=upload("big.jpg", data))
    assert filesizeformat(2000) in refused(exc_info.value)
    settings.ATTACHMENT_MAX_BYTES = {"image": 100, "video": 100, "document": 100}
    with pytest.raises(InvalidInput) as exc_info:
        attachment_add(actor=staff, target=material, upload=upload("x.pdf", pdf_bytes()))
    assert filesizeformat(100) in refused(exc_info.value)
    assert_nothing_stored(media)


def test_decompression_bomb_refused(settings: Any, media: Path, material: Material, staff: Any):
    """A small PNG that decodes to too many pixels is refused before decoding."""
    settings.ATTACHMENT_MAX_PIXELS = 1_000_000
    bomb = png_bytes((3000, 3000), mode="1")  # 9 Mpx, a few KB
    assert len(bomb) < 50_000
    with pytest.raises(InvalidInput) as exc_info:
        attachment_add(actor=staff, target=material, upload=upload("bomb.png", bomb))
    assert "1,000,000" in refused(exc_info.value)
    huge = png_bytes((5000, 5000), mode="1")  # beyond twice the limit: Pillow's own error
    with pytest.raises(InvalidInput):
        attachment_add(actor=staff, target=material, upload=upload("huge.png", huge))
    assert_nothing_stored(media)


def test_heic_without_decoder_refused_clearly(media: Path, material: Material, staff: Any):
    """HEIC is accepted only if Pillow can read it; otherwise a clear instruction."""
    with pytest.raises(InvalidInput) as exc_info:
        attachment_add(actor=staff, target=material, upload=upload("IMG_1.HEIC", heic_bytes()))
    assert "HEIC" in refused(exc_info.value)
    assert_nothing_stored(media)


def test_caption_too_long(media: Path, material: Material, staff: Any):
    with pytest.raises(InvalidInput) as exc_info:
        attachment_add(
            actor=staff, target=material, upload=upload("a.jpg", jpeg_bytes()), caption="长" * 301
        )
    assert "caption" in exc_info.value.fields
    assert_nothing_stored(media)


def test_files_removed_when_the_transaction_fails(media: Path, material: Material, staff: Any):
    """Nothing half-written: a failure after the files were written removes them again."""

    def broken_context(obj: Any) -> Any:
        raise RuntimeError("audit context failed")

    register_attachment_policy(
        Material,
        can_view=lambda u, o: True,
        can_attach=lambda u, o: True,
        audit_context=broken_context,
    )
    try:
        with pytest.raises(RuntimeError):
            attachment_add(actor=staff, target=material, upload=upload("a.jpg", jpeg_bytes()))
    finally:
        from facadeops.materials import permissions

        register_attachment_policy(
            Material,
            can_view=permissions.material_attachment_view,
            can_attach=permissions.material_attachment_attach,
        )
    assert_nothing_stored(media)


@pytest.mark.parametrize(
    ("raw", "ext", "expected"),
    [
        ("../../etc/passwd.jpg", "jpg", "passwd.jpg"),
        ("a\\b.jpg", "jpg", "b.jpg"),
        ("C:\\Users\\x\\现场.jpg", "jpg", "现场.jpg"),
        ("..", "jpg", "file.jpg"),
        ("<script>x</script>.pdf", "pdf", "script_.pdf"),
        ("evil\u202egpj.exe", "jpg", "evil_gpj.jpg"),
        ("a\x00b.png", "png", "a_b.png"),
        ("x" * 300 + ".pdf", "pdf", "x" * 196 + ".pdf"),
    ],
)
def test_names_are_never_trusted(raw: str, ext: str, expected: str):
    """Path traversal and odd characters become a safe display name (≤ 200 chars)."""
    name = safe_display_name(raw, ext)
    assert name == expected
    assert "/" not in name and "\\" not in name and len(name) <= 200


def test_traversal_name_upload_stored_under_random_name(
    media: Path, material: Material, staff: Any
):
    att = attachment_add(actor=staff, target=material, upload=upload("../../x.jpg", jpeg_bytes()))
    assert att.original_name == "x.jpg"
    path = Path(att.file.path).resolve()
    assert media.resolve() in path.parents and path.name != "x.jpg"


# -- policy ---------------------------------------------------------------------------------


def test_policy_denies_by_default_and_by_scope(media: Path, material: Material, make_user: Any):
    """Default deny: a model without a policy takes no attachments; a customer may not see
    catalogue attachments (404, not 403)."""
    staff = make_user("technician")
    seq = Sequence.objects.create(key="T-1")
    with pytest.raises(NotFound):
        attachment_add(actor=staff, target=seq, upload=upload("a.jpg", jpeg_bytes()))
    customer = make_user("customer")
    with pytest.raises(NotFound):
        attachment_add(actor=customer, target=material, upload=upload("a.jpg", jpeg_bytes()))
    with pytest.raises(NotFound):
        att_mod.resolve_target(user=staff, target_type="core.sequence", target_id=str(seq.pk))
    with pytest.raises(NotFound):
        att_mod.resolve_target(user=staff, target_type="materials.material", target_id="abc")
    with pytest.raises(NotFound):
        att_mod.resolve_target(user=staff, target_type="nope", target_id="1")
    assert_nothing_stored(media)


def test_attach_forbidden_when_policy_says_view_only(media: Path, material: Material, staff: Any):
    register_attachment_policy(Material, can_view=lambda u, o: True, can_attach=lambda u, o: False)
    try:
        with pytest.raises(Forbidden):
            attachment_add(actor=staff, target=material, upload=upload("a.jpg", jpeg_bytes()))
    finally:
        from facadeops.materials import permissions

        register_attachment_policy(
            Material,
            can_view=permissions.material_attachment_view,
            can_attach=permissions.material_attachment_attach,
        )


def test_remove_only_uploader_or_manager(
    media: Path, material: Material, make_user: Any, django_capture_on_commit_callbacks: Any
):
    """Removal: the uploader or a manager role; audited 'detached'; files deleted."""
    uploader, other, head = (
        make_user("technician"),
        make_user("technician"),
        make_user("service_head"),
    )
    att = attachment_add(actor=uploader, target=material, upload=upload("a.jpg", jpeg_bytes()))
    with pytest.raises(Forbidden):
        attachment_remove(actor=other, attachment=att)
    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(actor=head, attachment=att)
    assert not Attachment.objects.exists()
    assert stored_files(media) == []
    ev = AuditEvent.objects.get(verb="detached")
    assert ev.actor == head and ev.before["file"] == "a.jpg"
    att2 = attachment_add(actor=uploader, target=material, upload=upload("b.jpg", jpeg_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(actor=uploader, attachment=att2)
    assert not Attachment.objects.exists()


# -- UI -------------------------------------------------------------------------------------


@pytest.mark.urls(URLCONF)
def test_partial_upload_download_delete(
    media: Path,
    material: Material,
    make_user: Any,
    client: Any,
    django_capture_on_commit_callbacks: Any,
):
    """The htmx partial: upload re-renders it with the new file, errors shown in it;
    download streams with a safe name and nosniff; thumbnail; delete."""
    staff = make_user("technician")
    client.force_login(staff)
    url = f"/attachments/materials.material/{material.pk}/upload"
    hx = {"HTTP_HX_REQUEST": "true"}
    r = client.post(url, {"file": upload("../现场 1.jpg", jpeg_bytes()), "caption": "渗水"}, **hx)
    assert r.status_code == 200
    html = r.content.decode()
    assert "attachment-gallery" in html and "渗水" in html
    att = Attachment.objects.get()
    r = client.post(url, {"file": upload("fake.jpg", pdf_bytes())}, **hx)
    assert r.status_code == 200 and "attachment-errors" in r.content.decode()
    assert Attachment.objects.count() == 1

    r = client.get(f"/attachments/file/{att.pk}/download")
    assert r.status_code == 200
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Type"] == "image/jpeg"
    assert "attachment;" in r["Content-Disposition"]
    assert "%E7%8E%B0%E5%9C%BA%201.jpg" in r["Content-Disposition"]  # 现场 1.jpg, encoded
    assert b"".join(r.streaming_content)[:2] == b"\xff\xd8"
    r = client.get(f"/attachments/file/{att.pk}/thumbnail")
    assert r.status_code == 200 and r["Content-Type"] in {"image/jpeg", "image/webp"}

    r = client.get(f"/attachments/materials.material/{material.pk}/")
    assert r.status_code == 200 and "现场 1.jpg" in r.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/attachments/file/{att.pk}/delete", **hx)
    assert r.status_code == 200 and not Attachment.objects.exists()


@pytest.mark.urls(URLCONF)
def test_ui_scope_denials(media: Path, material: Material, make_user: Any, client: Any):
    """A customer gets 404 on every attachment URL of a record it may not see; another
    technician may not delete someone else's file (403)."""
    staff = make_user("technician")
    att = attachment_add(actor=staff, target=material, upload=upload("a.jpg", jpeg_bytes()))
    client.force_login(make_user("customer"))
    for u in [
        f"/attachments/file/{att.pk}/download",
        f"/attachments/file/{att.pk}/thumbnail",
        f"/attachments/materials.material/{material.pk}/",
    ]:
        assert client.get(u).status_code == 404
    r = client.post(
        f"/attachments/materials.material/{material.pk}/upload",
        {"file": upload("b.jpg", jpeg_bytes())},
    )
    assert r.status_code == 404
    assert client.post(f"/attachments/file/{att.pk}/delete").status_code == 404
    client.force_login(make_user("technician"))
    r = client.post(f"/attachments/file/{att.pk}/delete", HTTP_HX_REQUEST="true")
    assert r.status_code == 403
    assert Attachment.objects.count() == 1
    client.logout()
    r = client.get(f"/attachments/file/{att.pk}/download")
    assert r.status_code == 302  # to the login page


@pytest.mark.urls(URLCONF)
def test_material_detail_shows_partial(
    media: Path, material: Material, make_user: Any, client: Any
):
    staff = make_user("technician")
    attachment_add(actor=staff, target=material, upload=upload("a.pdf", pdf_bytes()))
    client.force_login(staff)
    r = client.get(material.get_absolute_url())
    html = r.content.decode()
    assert r.status_code == 200 and "attachment-upload" in html and "a.pdf" in html


# -- API ------------------------------------------------------------------------------------


@pytest.mark.urls(URLCONF)
def test_api_crud(
    media: Path,
    material: Material,
    make_user: Any,
    client: Any,
    django_capture_on_commit_callbacks: Any,
):
    """API: POST multipart → 201; list; download; 422 with fields.file; DELETE → 204."""
    staff = make_user("technician")
    client.force_login(staff)
    form = {"target_type": "materials.material", "target_id": str(material.pk)}
    r = client.post(API, {**form, "file": upload("tds.pdf", pdf_bytes()), "caption": "技术资料"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["kind"] == "document" and body["original_name"] == "tds.pdf"
    assert body["caption"] == "技术资料" and body["uploaded_by_id"] == staff.pk
    r = client.post(API, {**form, "file": upload("x.jpg", b"")})
    assert r.status_code == 422 and "file" in r.json()["fields"]
    r = client.post(API, form)
    assert r.status_code == 422 and "file" in r.json()["fields"]
    r = client.get(API, {"target_type": "materials.material", "target_id": material.pk})
    assert r.status_code == 200 and r.json()["count"] == 1
    dl = r.json()["results"][0]["download_url"]
    r = client.get(dl)
    assert r.status_code == 200 and r["X-Content-Type-Options"] == "nosniff"
    assert b"".join(r.streaming_content).startswith(b"%PDF")
    with django_capture_on_commit_callbacks(execute=True):
        r = client.delete(f"{API}/{body['id']}")
    assert r.status_code == 204
    assert stored_files(media) == []


@pytest.mark.urls(URLCONF)
def test_api_denials(media: Path, material: Material, make_user: Any, client: Any):
    """API scope: unknown/unviewable target 404; someone else's file 403 on delete."""
    owner = make_user("technician")
    att = attachment_add(actor=owner, target=material, upload=upload("a.jpg", jpeg_bytes()))
    client.force_login(make_user("customer"))
    r = client.get(API, {"target_type": "materials.material", "target_id": material.pk})
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert client.get(f"{API}/{att.pk}/download").status_code == 404
    r = client.post(
        API,
        {
            "target_type": "materials.material",
            "target_id": material.pk,
            "file": upload("b.jpg", jpeg_bytes()),
        },
    )
    assert r.status_code == 404
    client.force_login(make_user("technician"))
    r = client.get(API, {"target_type": "core.sequence", "target_id": 1})
    assert r.status_code == 404
    r = client.delete(f"{API}/{att.pk}")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    client.logout()
    assert client.get(API, {"target_type": "materials.material", "target_id": 1}).status_code == 401


@pytest.mark.urls(URLCONF)
def test_api_and_partial_query_count_constant(
    media: Path,
    material: Material,
    make_user: Any,
    client: Any,
    django_assert_max_num_queries: Any,
):
    """The list endpoint and the partial need the same queries for 2 or 12 files."""
    staff = make_user("technician")
    client.force_login(staff)
    params = {"target_type": "materials.material", "target_id": material.pk}
    for n in (2, 12):
        while Attachment.objects.count() < n:
            attachment_add(actor=staff, target=material, upload=upload("a.pdf", pdf_bytes()))
        with django_assert_max_num_queries(8):
            r = client.get(API, params)
        assert r.json()["count"] == n
        with django_assert_max_num_queries(8):
            r = client.get(f"/attachments/materials.material/{material.pk}/")
        assert r.status_code == 200
