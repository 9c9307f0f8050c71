"""Attachments on any record: photos, videos, documents (REG-2.2.1 photos of the findings,
REG-4.2.2 evidence, X-9.1 history).

Access is decided per target model by a registry: an app registers who may see a record's
attachments and who may add to it::

    from facadeops.core.attachments import register_attachment_policy

    register_attachment_policy(
        Project,
        can_view=lambda user, obj: project_visible_to(user, obj),
        can_attach=lambda user, obj: has_role(user, Role.SERVICE_HEAD, ...),
        can_detach=None,          # optional: extra rule for removal (e.g. archived → False)
        audit_context=None,       # optional: obj → record whose timeline also shows the event
    )

(call it from the app's ``AppConfig.ready``). A model without a policy has no attachments
for anybody (default deny); a target the user may not see is "not found" (404).

Uploads are checked by their content, never by their name: the type is detected with
``filetype`` (plus a look inside ZIP-based Office files), each kind has its own size limit
(``settings.ATTACHMENT_MAX_BYTES``), images are decoded with a pixel limit
(``settings.ATTACHMENT_MAX_PIXELS``), turned upright by their EXIF orientation, stripped of
all metadata and re-encoded, and get a 320 px thumbnail. Plain text is not accepted: it has
no signature that can be told apart from HTML/script content, so it cannot be checked by
content.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import models, transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facadeops.audit.services import record

from .errors import Forbidden, InvalidInput, NotFound
from .models import Attachment
from .roles import Role, has_role

# -- policy registry ------------------------------------------------------------------------

UserCheck = Callable[[Any, Any], bool]

# Roles that may remove anybody's attachment on a record they can see.
ATTACHMENT_MANAGER_ROLES = frozenset(
    {Role.SERVICE_HEAD, Role.TECH_HEAD, Role.PROJECT_MANAGER, Role.MANAGEMENT}
)


@dataclass(frozen=True)
class AttachmentPolicy:
    can_view: UserCheck
    can_attach: UserCheck
    can_detach: UserCheck | None = None
    audit_context: Callable[[Any], models.Model | None] | None = None


_POLICIES: dict[type[models.Model], AttachmentPolicy] = {}


def register_attachment_policy(
    model: type[models.Model],
    *,
    can_view: UserCheck,
    can_attach: UserCheck,
    can_detach: UserCheck | None = None,
    audit_context: Callable[[Any], models.Model | None] | None = None,
) -> None:
    """Allow attachments on ``model``; ``can_view(user, obj)`` / ``can_attach(user, obj)``
    decide per object. ``can_detach`` (optional) is an extra condition for removal on top of
    "uploader or manager role"; ``audit_context`` (optional) names the record whose
    timeline also shows the attach/detach events (default: the target itself)."""
    _POLICIES[model] = AttachmentPolicy(can_view, can_attach, can_detach, audit_context)


def unregister_attachment_policy(model: type[models.Model]) -> None:
    _POLICIES.pop(model, None)


def policy_for(obj_or_model: Any) -> AttachmentPolicy | None:
    model: Any = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    if not hasattr(model, "_meta"):
        return None
    return _POLICIES.get(model._meta.concrete_model or model)


def can_view_attachments(user: Any, target: Any) -> bool:
    policy = policy_for(target)
    if policy is None or target is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(policy.can_view(user, target))


def can_attach(user: Any, target: Any) -> bool:
    policy = policy_for(target)
    return can_view_attachments(user, target) and bool(policy and policy.can_attach(user, target))


def can_remove(user: Any, attachment: Attachment, target: Any) -> bool:
    """The uploader or a manager role, on a record the user may see (and the app's
    ``can_detach`` rule, e.g. not archived)."""
    if not can_view_attachments(user, target):
        return False
    policy = policy_for(target)
    if policy is not None and policy.can_detach is not None and not policy.can_detach(user, target):
        return False
    own = attachment.uploaded_by_id is not None and attachment.uploaded_by_id == user.pk
    return own or has_role(user, ATTACHMENT_MANAGER_ROLES)


def target_key(obj_or_model: Any) -> str:
    """``app_label.model`` — how the API and URLs name a target type."""
    opts = obj_or_model._meta
    return f"{opts.app_label}.{opts.model_name}"


def resolve_target(*, user: Any, target_type: str, target_id: str) -> models.Model:
    """The target record, if it takes attachments and the user may see it; else NotFound."""
    app_label, _sep, model_name = str(target_type).strip().lower().partition(".")
    try:
        ct = ContentType.objects.get_by_natural_key(app_label, model_name)
    except ContentType.DoesNotExist as exc:
        raise NotFound() from exc
    model = ct.model_class()
    if model is None or policy_for(model) is None:
        raise NotFound()
    try:
        obj = model._default_manager.filter(pk=str(target_id).strip()[:64]).first()
    except (ValueError, TypeError, ValidationError) as exc:  # a key of the wrong format
        raise NotFound() from exc
    if obj is None:
        raise NotFound()
    if not can_view_attachments(user, obj):
        raise NotFound()
    return obj


# -- selectors ------------------------------------------------------------------------------


def attachments_of(target: models.Model) -> QuerySet[Attachment]:
    ct = ContentType.objects.get_for_model(target)
    return (
        Attachment.objects.filter(content_type=ct, object_id=str(target.pk))
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-id")
    )


def attachment_list(*, user: Any, target: models.Model) -> QuerySet[Attachment]:
    """The attachments of ``target`` (NotFound if the user may not see them)."""
    if not can_view_attachments(user, target):
        raise NotFound()
    return attachments_of(target)


def access_attachment(*, user: Any, attachment_id: Any) -> tuple[Attachment, models.Model]:
    """One attachment and its target, if the user may see the target; else NotFound."""
    try:
        att = Attachment.objects.select_related("content_type", "uploaded_by").get(
            pk=int(attachment_id)
        )
    except (Attachment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    model = att.content_type.model_class()
    if model is None or policy_for(model) is None:
        raise NotFound()
    target = model._default_manager.filter(pk=att.object_id).first()
    if target is None or not can_view_attachments(user, target):
        raise NotFound()
    return att, target


# -- content checks ---------------------------------------------------------------------------

SIGNATURE_BYTES = 8192
THUMBNAIL_SIZE = 320


@dataclass(frozen=True)
class FileType:
    key: str  # canonical format
    kind: str
    mime: str
    ext: str  # stored extension
    label: str  # human name of the format


_TYPES: dict[str, FileType] = {
    t.key: t
    for t in [
        FileType("jpeg", "image", "image/jpeg", "jpg", "JPEG"),
        FileType("png", "image", "image/png", "png", "PNG"),
        FileType("webp", "image", "image/webp", "webp", "WebP"),
        FileType("gif", "image", "image/gif", "gif", "GIF"),
        FileType("heic", "image", "image/heic", "jpg", "HEIC"),
        FileType("mp4", "video", "video/mp4", "mp4", "MP4"),
        FileType("mov", "video", "video/quicktime", "mov", "MOV"),
        FileType("webm", "video", "video/webm", "webm", "WebM"),
        FileType("pdf", "document", "application/pdf", "pdf", "PDF"),
        FileType(
            "docx",
            "document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
            "Word (.docx)",
        ),
        FileType(
            "xlsx",
            "document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            "Excel (.xlsx)",
        ),
    ]
}

# filetype's MIME → our canonical format.
_BY_DETECTED_MIME = {
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/apng": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/heic": "heic",
    "image/heif": "heic",
    "video/mp4": "mp4",
    "video/x-m4v": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "application/pdf": "pdf",
}

_OTHER_EXTENSIONS = [
    "exe",
    "dll",
    "bat",
    "cmd",
    "com",
    "msi",
    "sh",
    "ps1",
    "js",
    "vbs",
    "jar",
    "apk",
    "html",
    "htm",
    "xhtml",
    "svg",
    "xml",
    "php",
    "zip",
    "rar",
    "7z",
    "tar",
    "gz",
    "doc",
    "xls",
    "ppt",
    "pptx",
    "docm",
    "xlsm",
    "txt",
    "csv",
    "rtf",
    "bmp",
    "tif",
    "tiff",
    "avi",
    "mkv",
    "wmv",
    "mp3",
    "wav",
]

# What a file name's extension claims. Extensions of other common types are listed so a
# file whose name claims something else than its content is refused as disguised.
_NAME_CLAIMS = {
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "jpe": "jpeg",
    "jfif": "jpeg",
    "png": "png",
    "webp": "webp",
    "gif": "gif",
    "heic": "heic",
    "heif": "heic",
    "mp4": "mp4",
    "m4v": "mp4",
    "mov": "mov",
    "qt": "mov",
    "webm": "webm",
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    **{e: e for e in _OTHER_EXTENSIONS},
}

# Within these groups a mislabelled name is tolerated (the content is what we store: images
# are decoded and re-encoded anyway; MP4 and MOV are the same container family).
_TOLERATED = [{"jpeg", "png", "webp", "gif", "heic"}, {"mp4", "mov"}]

_KIND_LABELS = {
    "image": gettext_lazy("photos"),
    "video": gettext_lazy("videos"),
    "document": gettext_lazy("documents"),
}


def _invalid(message: str) -> InvalidInput:
    return InvalidInput(message, fields={"file": [message]})


def _allowed_text() -> str:
    return _(
        "Accepted are photos (JPEG, PNG, WebP, GIF, HEIC), videos (MP4, MOV, WebM) and "
        "documents (PDF, Word .docx, Excel .xlsx)."
    )


def _name_extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or not re.fullmatch(r"[A-Za-z0-9]{1,5}", ext):
        return ""
    return ext.lower()


_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\u202a-\u202e\u2066-\u2069\u200e\u200f]')


def safe_display_name(raw: Any, ext: str = "") -> str:
    """A harmless display name: no directories (``../../x.jpg`` → ``x.jpg``, ``a\\b.jpg`` →
    ``b.jpg``), no control or bidi-override characters, at most 200 characters, ending in
    the stored file's real extension."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE_CHARS.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    if not name:
        name = _("file")
    if ext:
        claimed = _NAME_CLAIMS.get(_name_extension(name))
        actual = next((t.key for t in _TYPES.values() if t.ext == ext), ext)
        if claimed is None or claimed != actual:
            if claimed is not None:  # tolerated mislabel: replace the wrong extension
                name = name.rpartition(".")[0]
            name = f"{name}.{ext}"
    if len(name) > 200:
        stem, dot, tail = name.rpartition(".")
        name = f"{stem[: 199 - len(tail)]}.{tail}" if dot and len(tail) <= 10 else name[:200]
    return name


def _office_type(fileobj: IO[bytes]) -> str | None:
    """docx / xlsx by their ZIP entries; macro-enabled files are refused."""
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" not in names:
                return None
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise _invalid(_("Office files with macros are not accepted."))
            with zf.open("[Content_Types].xml") as fh:
                content_types = fh.read(1_000_000).decode("utf-8", "replace")
            if "macroEnabled" in content_types:
                raise _invalid(_("Office files with macros are not accepted."))
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return None
    finally:
        fileobj.seek(0)
    return None


def detect_type(fileobj: IO[bytes], name: str) -> FileType:
    """The file's type from its content; refuses types not accepted and disguised ones."""
    import filetype

    fileobj.seek(0)
    head = fileobj.read(SIGNATURE_BYTES)
    fileobj.seek(0)
    guess = filetype.guess(head)
    detected_mime = guess.mime if guess is not None else ""
    key = _BY_DETECTED_MIME.get(detected_mime)
    if key is None and head[:4] == b"PK\x03\x04":
        key = _office_type(fileobj)
    if key == "pdf" and not head.startswith(b"%PDF-"):
        key = None
    claimed = _NAME_CLAIMS.get(_name_extension(name))
    ext = _name_extension(name)
    if key is None:
        if claimed in _TYPES:
            raise _invalid(
                _(
                    "The file name ends in .%(ext)s, but its content is not a %(format)s "
                    "file. Files whose name hides their real type are refused."
                )
                % {"ext": ext, "format": _TYPES[claimed].label}
            )
        what = detected_mime or _("unknown")
        raise _invalid(
            _("This type of file is not accepted (%(type)s).") % {"type": what}
            + " "
            + _allowed_text()
        )
    ftype = _TYPES[key]
    if (
        claimed is not None
        and claimed != key
        and not any({claimed, key} <= group for group in _TOLERATED)
    ):
        raise _invalid(
            _(
                "The file name ends in .%(ext)s, but its content is %(format)s. Files whose "
                "name hides their real type are refused."
            )
            % {"ext": ext, "format": ftype.label}
        )
    return ftype


@dataclass
class _Processed:
    data: bytes | None  # re-encoded bytes (images); None = store the upload as it is
    ftype: FileType
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None
    thumbnail_ext: str = ""


def _process_image(fileobj: IO[bytes], ftype: FileType) -> _Processed:
    from PIL import Image, ImageOps, UnidentifiedImageError

    max_pixels = int(settings.ATTACHMENT_MAX_PIXELS)
    Image.MAX_IMAGE_PIXELS = max_pixels
    bomb = _("The image has too many pixels (%(pixels)s); at most %(limit)s are accepted.")
    formats = {"jpeg": ["JPEG"], "png": ["PNG"], "webp": ["WEBP"], "gif": ["GIF"]}
    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(fileobj, formats=formats.get(ftype.key))
            frames = int(getattr(im, "n_frames", 1) or 1)
            pixels = im.width * im.height
            if pixels > max_pixels or pixels * frames > max_pixels:
                raise _invalid(
                    bomb % {"pixels": f"{pixels * frames:,}", "limit": f"{max_pixels:,}"}
                )
            im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _invalid(
            bomb % {"pixels": _("more than the limit"), "limit": f"{max_pixels:,}"}
        ) from exc
    except UnidentifiedImageError as exc:
        if ftype.key == "heic":
            raise _invalid(
                _(
                    "HEIC photos cannot be processed on this server. Set the phone camera to "
                    '"Most compatible" (JPEG) or convert the photo to JPEG, then upload it again.'
                )
            ) from exc
        raise _invalid(_("The image could not be read; the file may be damaged.")) from exc
    except InvalidInput:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        raise _invalid(_("The image could not be read; the file may be damaged.")) from exc

    out = io.BytesIO()
    keep_icc = im.info.get("icc_profile")
    try:
        if ftype.key == "gif" and frames > 1:
            keep = {k: im.info[k] for k in ("duration", "loop") if k in im.info}
            im.info = {}
            im.save(out, "GIF", save_all=True, optimize=False, **keep)
            im.seek(0)
            first = im.convert("RGBA")
            clean = first
            stored = ftype
        else:
            upright = ImageOps.exif_transpose(im) if ftype.key != "gif" else im.copy()
            if (
                upright is None
            ):  # pragma: no cover - exif_transpose(in_place=False) returns an image
                upright = im.copy()
            transparency = upright.info.get("transparency")
            upright.info = {}
            clean = upright
            if ftype.key in {"jpeg", "heic"}:
                if clean.mode not in {"RGB", "L"}:
                    clean = clean.convert("RGB")
                    keep_icc = None
                params: dict[str, Any] = {"quality": 85, "optimize": True}
                if keep_icc and clean is upright:
                    params["icc_profile"] = keep_icc
                clean.save(out, "JPEG", **params)
                stored = _TYPES["jpeg"]
            elif ftype.key == "png":
                params = {"optimize": True}
                if transparency is not None:
                    params["transparency"] = transparency
                if keep_icc:
                    params["icc_profile"] = keep_icc
                clean.save(out, "PNG", **params)
                stored = ftype
            elif ftype.key == "webp":
                fileobj.seek(0)
                head = fileobj.read(SIGNATURE_BYTES)
                lossless = head[12:16] == b"VP8L" or (head[12:16] == b"VP8X" and b"VP8L" in head)
                params = {"lossless": True} if lossless else {"quality": 85}
                if keep_icc:
                    params["icc_profile"] = keep_icc
                clean.save(out, "WEBP", **params)
                stored = ftype
            else:  # single-frame GIF
                params = {}
                if transparency is not None:
                    params["transparency"] = transparency
                clean.save(out, "GIF", **params)
                stored = ftype
        thumb = clean.copy()
        thumb.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS)
        has_alpha = thumb.mode in {"RGBA", "LA", "PA"} or (
            thumb.mode == "P" and "transparency" in thumb.info
        )
        tbuf = io.BytesIO()
        if has_alpha:
            thumb.convert("RGBA").save(tbuf, "WEBP", quality=80)
            thumb_ext = "webp"
        else:
            thumb.convert("RGB").save(tbuf, "JPEG", quality=80, optimize=True)
            thumb_ext = "jpg"
        width, height = clean.size
    except (OSError, ValueError, EOFError, MemoryError) as exc:
        raise _invalid(_("The image could not be read; the file may be damaged.")) from exc
    return _Processed(
        data=out.getvalue(),
        ftype=stored,
        width=width,
        height=height,
        thumbnail=tbuf.getvalue(),
        thumbnail_ext=thumb_ext,
    )


def _check_document(fileobj: IO[bytes], ftype: FileType) -> None:
    if ftype.key in {"docx", "xlsx"}:
        try:
            fileobj.seek(0)
            with zipfile.ZipFile(fileobj) as zf:
                bad = zf.testzip()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise _invalid(_("The document could not be read; the file may be damaged.")) from exc
        finally:
            fileobj.seek(0)
        if bad is not None:
            raise _invalid(_("The document could not be read; the file may be damaged."))


def _sha256(fileobj: IO[bytes]) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def _limit_for(kind: str) -> int:
    return int(settings.ATTACHMENT_MAX_BYTES[kind])


# -- services -------------------------------------------------------------------------------


def attachment_add(
    *, actor: Any, target: models.Model, upload: Any, caption: str = ""
) -> Attachment:
    """Check, store and audit one uploaded file on ``target``.

    Refusals raise ``InvalidInput`` (field ``file`` or ``caption``) and store nothing; the
    user must be allowed to see (else NotFound) and to attach to (else Forbidden) the target.
    """
    if not can_view_attachments(actor, target):
        raise NotFound()
    if not can_attach(actor, target):
        raise Forbidden(_("You may not add attachments to this record."))
    caption = " ".join(str(caption or "").split())
    if len(caption) > 300:
        msg = _("The caption may be at most %(limit)s characters long.") % {"limit": 300}
        raise InvalidInput(msg, fields={"caption": [msg]})
    if upload is None or not hasattr(upload, "read"):
        raise _invalid(_("Choose a file to upload."))
    size = int(getattr(upload, "size", 0) or 0)
    if size <= 0:
        raise _invalid(_("The file is empty."))
    largest = max(_limit_for(k) for k in ("image", "video", "document"))
    if size > largest:
        raise _invalid(
            _("The file is too large (%(size)s). The largest accepted file is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(largest)}
        )
    raw_name = str(getattr(upload, "name", "") or "")
    ftype = detect_type(upload, raw_name)
    limit = _limit_for(ftype.kind)
    if size > limit:
        raise _invalid(
            _("The file is too large (%(size)s). The limit for %(kind)s is %(limit)s.")
            % {
                "size": filesizeformat(size),
                "kind": _KIND_LABELS[ftype.kind],
                "limit": filesizeformat(limit),
            }
        )
    if ftype.kind == "image":
        processed = _process_image(upload, ftype)
    else:
        _check_document(upload, ftype)
        processed = _Processed(data=None, ftype=ftype)

    stored = processed.ftype
    if processed.data is not None:
        content: File[Any] = ContentFile(processed.data)
        stored_size = len(processed.data)
        digest = hashlib.sha256(processed.data).hexdigest()
    else:
        content = File(upload)
        stored_size = size
        digest = _sha256(upload)

    att = Attachment(
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        original_name=safe_display_name(raw_name, stored.ext),
        kind=stored.kind,
        mime=stored.mime,
        size=stored_size,
        sha256=digest,
        width=processed.width,
        height=processed.height,
        caption=caption,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    written: list[str] = []
    storage = att.file.storage
    try:
        with transaction.atomic():
            att.file.save(f"upload.{stored.ext}", content, save=False)
            written.append(str(att.file.name))
            if processed.thumbnail:
                att.thumbnail.save(
                    f"thumb.{processed.thumbnail_ext}",
                    ContentFile(processed.thumbnail),
                    save=False,
                )
                written.append(str(att.thumbnail.name))
            att.save()
            policy = policy_for(target)
            context = policy.audit_context(target) if policy and policy.audit_context else target
            record(
                actor=actor,
                verb="attached",
                target=target,
                after={
                    "attachment": att.pk,
                    "file": att.original_name,
                    "kind": att.kind,
                    "size": att.size,
                    "sha256": att.sha256,
                    "caption": att.caption,
                },
                context=context,
            )
    except BaseException:
        for name in written:
            with contextlib.suppress(OSError):
                storage.delete(name)
        raise
    return att


def attachment_remove(*, actor: Any, attachment: Attachment) -> None:
    """Remove an attachment (uploader or manager role); audited; files deleted on commit."""
    model = attachment.content_type.model_class()
    target = (
        model._default_manager.filter(pk=attachment.object_id).first()
        if model is not None
        else None
    )
    if target is None or not can_view_attachments(actor, target):
        raise NotFound()
    if not can_remove(actor, attachment, target):
        raise Forbidden(_("Only the person who added it or a manager may remove this attachment."))
    names = [n for n in (attachment.file.name, attachment.thumbnail.name) if n]
    storage = attachment.file.storage
    policy = policy_for(target)
    context = policy.audit_context(target) if policy and policy.audit_context else target
    with transaction.atomic():
        record(
            actor=actor,
            verb="detached",
            target=target,
            before={
                "attachment": attachment.pk,
                "file": attachment.original_name,
                "kind": attachment.kind,
                "size": attachment.size,
                "sha256": attachment.sha256,
            },
            context=context,
        )
        Attachment.objects.filter(pk=attachment.pk).delete()

        def _delete_files() -> None:
            for name in names:
                with contextlib.suppress(OSError):
                    storage.delete(name)

        transaction.on_commit(_delete_files)
