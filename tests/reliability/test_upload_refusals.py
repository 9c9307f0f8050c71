"""Upload refusals over HTTP (issue 4): ``POST /api/v1/attachments`` (multipart, built by
hand so the file name is exactly what a hostile client sends) and the page route
``attachments:upload`` — an oversized file, a type disguised by its extension (an .exe and
an HTML page named .png, a PDF named .png), a decompression-bomb PNG — each refused with
422 and a specific message in the caller's language (Accept-Language: English, zh-Hans),
and nothing stored: no Attachment row, no audit event, no file under MEDIA_ROOT.

Path-traversal names: Django's multipart parser drops every directory part of a file name
before the application sees it (``../../etc/passwd.png`` arrives as ``passwd.png``), and
the file is stored under a generated name — so such a name cannot be told apart from an
honest one, and cannot write outside MEDIA_ROOT. The tests send the raw name and prove
both: a real PNG is stored inside MEDIA_ROOT under a generated path with the harmless
display name, and anything that is not what its name claims is refused as above.
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils import translation
from PIL import Image

from facadeops.audit.models import AuditEvent
from facadeops.core.models import Attachment
from facadeops.materials.models import Material, MaterialCategory

pytestmark = pytest.mark.django_db

API = "/api/v1/attachments"
BOUNDARY = "----FacadeOpsUploadBoundary7MA4YWxkTrZu0gW"


def multipart(fields: dict[str, str], filename: str, data: bytes, ctype: str) -> bytes:
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode() + b"\r\n")
    out.write(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {ctype}\r\n\r\n".encode()
    )
    out.write(data + b"\r\n")
    out.write(f"--{BOUNDARY}--\r\n".encode())
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def noisy_jpeg(side: int = 400) -> bytes:
    """A photo that does not compress: a few hundred KB."""
    buf = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def pdf_bytes(pad: int = 200) -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * pad


def exe_bytes() -> bytes:
    """The start of a Windows executable (MZ header, PE signature)."""
    head = bytearray(b"MZ" + b"\x90\x00" * 29 + b"\x00" * 2)
    head[0x3C:0x40] = struct.pack("<I", 0x40)
    return bytes(head) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 200


def bomb_png(side: int = 20_000) -> bytes:
    """A complete, valid 1-bit PNG of side × side pixels (400 Mpx: 1.5 GB once decoded as
    RGBA) that compresses to a few dozen KB — a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + packed bits
    idat = zlib.compress(row * side, 9)
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture
def material(db: Any) -> Material:
    cat = MaterialCategory.objects.create(code="GL", name="玻璃")
    return Material.objects.create(
        code="GL-U-1", name="中空钢化玻璃", spec_model="6+12A+6", unit="片", category=cat
    )


@pytest.fixture
def post(
    make_user: Callable[..., Any], material: Material
) -> Callable[[str, bytes, str, str], Any]:
    """post(filename, data, content_type, language) → the API's response."""
    client = Client()
    client.force_login(make_user("technician"))
    form = {"target_type": "materials.material", "target_id": str(material.pk), "caption": "现场"}

    def _post(filename: str, data: bytes, ctype: str, language: str) -> Any:
        return client.generic(
            "POST",
            API,
            multipart(form, filename, data, ctype),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
            HTTP_ACCEPT_LANGUAGE=language,
        )

    return _post


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def assert_refused(r: Any, media: Path, *expected: str) -> str:
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["code"] == "invalid" and body["fields"].get("file"), body
    message = " ".join(body["fields"]["file"])
    for part in expected:
        assert part in message, (part, message)
    assert not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(verb="attached").exists()
    assert files_under(media) == []
    return message


LANGS = ["en", "zh-hans"]


@pytest.mark.parametrize("lang", LANGS)
def test_oversized_file_refused_naming_size_and_limit(
    settings: Any, media: Path, post: Any, lang: str
) -> None:
    settings.ATTACHMENT_MAX_BYTES = {"image": 100_000, "video": 5_000_000, "document": 5_000_000}
    photo = noisy_jpeg()
    assert len(photo) > 150_000
    r = post("facade.jpg", photo, "image/jpeg", lang)
    with translation.override(lang):
        size, limit = filesizeformat(len(photo)), filesizeformat(100_000)
    words = ("too large", "limit for photos") if lang == "en" else ("文件过大", "上限")
    assert_refused(r, media, *words, size, limit)

    # Larger than every kind's limit: refused before the content is even looked at.
    settings.ATTACHMENT_MAX_BYTES = {"image": 1_000, "video": 2_000, "document": 1_500}
    r = post("tds.pdf", pdf_bytes(5_000), "application/pdf", lang)
    with translation.override(lang):
        largest = filesizeformat(2_000)
    words = ("largest accepted file",) if lang == "en" else ("允许的最大文件",)
    assert_refused(r, media, *words, largest)


DISGUISED = [
    ("setup.png", exe_bytes(), "image/png", "content is not a PNG file", "并不是 PNG 文件"),
    (
        "photo.png",
        b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
        "image/png",
        "content is not a PNG file",
        "并不是 PNG 文件",
    ),
    ("drawing.png", pdf_bytes(), "image/png", "its content is PDF", "内容实际是 PDF"),
    (
        "../../etc/passwd.png",
        b"root:x:0:0:root:/root:/bin/bash\n" * 20,
        "image/png",
        "content is not a PNG file",
        "并不是 PNG 文件",
    ),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("name", "data", "ctype", "en", "zh"), DISGUISED)
def test_type_disguised_by_its_extension_refused(
    media: Path, post: Any, lang: str, name: str, data: bytes, ctype: str, en: str, zh: str
) -> None:
    """The browser's Content-Type and the name both say PNG; the content decides."""
    r = post(name, data, ctype, lang)
    common = "hides their real type" if lang == "en" else "文件名与实际类型不符"
    assert_refused(r, media, ".png", en if lang == "en" else zh, common)


@pytest.mark.parametrize("lang", LANGS)
def test_decompression_bomb_png_refused(media: Path, post: Any, lang: str) -> None:
    """A valid PNG of 400 Mpx in a few dozen KB, under the default pixel limit (60 Mpx):
    refused from its header, never decoded."""
    bomb = bomb_png()
    assert len(bomb) < 200_000
    r = post("facade.png", bomb, "image/png", lang)
    words = ("too many pixels",) if lang == "en" else ("图片像素过多",)
    assert_refused(r, media, *words, "60,000,000")


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.png", "..\\..\\windows\\win.png", "/etc/cron.d/x.png"]
)
def test_traversal_name_cannot_leave_media_root(
    media: Path, tmp_path: Path, post: Any, name: str
) -> None:
    """The directory part never reaches the application; the stored path is generated
    inside MEDIA_ROOT and the display name is the bare file name."""
    r = post(name, png_bytes(), "image/png", "en")
    assert r.status_code == 201, r.content
    att = Attachment.objects.get()
    bare = name.replace("\\", "/").rsplit("/", 1)[-1]
    assert r.json()["original_name"] == att.original_name == bare
    stored = Path(att.file.path).resolve()
    assert media.resolve() in stored.parents and stored.name != bare
    assert ".." not in att.file.name and not att.file.name.startswith("/")
    outside = [p for p in files_under(tmp_path) if media not in p.parents]
    assert outside == []
    assert sorted(p.resolve() for p in files_under(media)) == sorted(
        Path(f.path).resolve() for f in (att.file, att.thumbnail) if f
    )


@pytest.mark.parametrize("lang", LANGS)
def test_page_upload_route_refuses_the_same_way(
    media: Path, make_user: Callable[..., Any], material: Material, lang: str
) -> None:
    """The page route (htmx partial): the refusal is shown in the partial in the user's
    language (status 200 so htmx swaps it in), nothing stored."""
    client = Client()
    client.force_login(make_user("technician"))
    url = f"/attachments/materials.material/{material.pk}/upload"
    bodies = [("setup.png", exe_bytes()), ("facade.png", bomb_png(12_000))]
    for name, data in bodies:
        r = client.generic(
            "POST",
            url,
            multipart({"caption": ""}, name, data, "image/png"),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
            HTTP_ACCEPT_LANGUAGE=lang,
            HTTP_HX_REQUEST="true",
        )
        assert r.status_code == 200
        html = r.content.decode()
        assert "attachment-errors" in html
        if name == "setup.png":
            assert ("hides their real type" if lang == "en" else "文件名与实际类型不符") in html
        else:
            assert ("too many pixels" if lang == "en" else "图片像素过多") in html
    assert not Attachment.objects.exists()
    assert files_under(media) == []
