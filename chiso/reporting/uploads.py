"""Checking uploaded evidence files by their content, not only their name.

A file is accepted when its extension is one of the allowed kinds and its bytes are what that
extension promises: a .pdf starts with "%PDF-"; a .docx/.xlsx is a valid zip holding the parts of
a Word document or an Excel workbook; a .doc/.xls is an OLE2 compound file; images are recognised
by their magic bytes. The size limit comes from settings (`CHISO_MAX_UPLOAD_MB`).
"""

from __future__ import annotations

import hashlib
import io
import math
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_MAX_MB = 20
ZIP_MAX_RATIO = 200  # a .docx/.xlsx inflating more than this is refused (zip bomb)
ZIP_MAX_MEMBERS = 5000

KIND_LABELS = {
    "pdf": "PDF",
    "docx": "Word (.docx)",
    "doc": "Word (.doc)",
    "xlsx": "Excel (.xlsx)",
    "xls": "Excel (.xls)",
    "jpg": "JPEG",
    "png": "PNG",
    "gif": "GIF",
    "webp": "WebP",
}
EXTENSIONS = {
    "pdf": "pdf",
    "docx": "docx",
    "doc": "doc",
    "xlsx": "xlsx",
    "xls": "xls",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
    "gif": "gif",
    "webp": "webp",
}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str  # a key of KIND_LABELS
    size: int
    sha256: str
    content: bytes


def max_upload_bytes() -> int:
    return int(getattr(settings, "CHISO_MAX_UPLOAD_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def allowed_label() -> str:
    return "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), ảnh (.jpg, .png, .gif, .webp)"


def clean_file_name(name: str) -> str:
    """The base name only (no folders), without control characters, at most 200 characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    stem, dot, ext = base.rpartition(".")
    if dot and len(base) > 200:
        base = f"{stem[: 199 - len(ext)]}.{ext}"
    return base[:200] or "tep"


def sniff(content: bytes) -> str | None:
    """The kind the bytes actually are (None when not one we accept)."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    if content.startswith(OLE2):
        return "ole2"
    if content.startswith(b"PK\x03\x04"):
        return _office_zip(content)
    return None


def _office_zip(content: bytes) -> str | None:
    """ "docx", "xlsx", "zip-bad" (a zip that is unsafe or broken) or None (another zip)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                return "zip-bad"
            total = sum(m.file_size for m in members)
            if total > max(len(content), 1) * ZIP_MAX_RATIO:
                return "zip-bad"
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names:
                return None
            if archive.testzip() is not None:
                return "zip-bad"
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return "zip-bad"
    if "word/document.xml" in names and b"wordprocessingml.document" in types:
        return "docx"
    if "xl/workbook.xml" in names and b"spreadsheetml" in types:
        return "xlsx"
    return None


def check_upload(name: str, content: bytes, field_label: str | None = None) -> CheckedFile:
    """The file if it is acceptable; otherwise a ValidationError naming the file and what is wrong."""
    label = field_label or _("Tệp minh chứng")
    clean_name = clean_file_name(name)
    ext = clean_name.rpartition(".")[2].lower() if "." in clean_name else ""
    kind = EXTENSIONS.get(ext)
    limit = max_upload_bytes()
    if not content:
        raise ValidationError(_("%(f)s: tệp “%(n)s” rỗng.") % {"f": label, "n": clean_name})
    if len(content) > limit:
        raise ValidationError(
            _("%(f)s: tệp “%(n)s” dung lượng %(size)s, vượt quá giới hạn %(max)s.")
            % {"f": label, "n": clean_name, "size": human_size(len(content)), "max": human_size(limit)}
        )
    if kind is None:
        raise ValidationError(
            _("%(f)s: tệp “%(n)s” không thuộc loại được phép. Chỉ nhận: %(allowed)s.")
            % {"f": label, "n": clean_name, "allowed": allowed_label()}
        )
    actual = sniff(content)
    ok = actual == kind or (actual == "ole2" and kind in ("doc", "xls"))
    if not ok:
        if actual == "zip-bad":
            message = _("%(f)s: tệp “%(n)s” bị hỏng hoặc không an toàn (tệp nén không hợp lệ).")
        else:
            message = _(
                "%(f)s: nội dung tệp “%(n)s” không phải là %(kind)s như phần mở rộng .%(ext)s cho biết; "
                "tệp đã bị từ chối."
            )
        raise ValidationError(message % {"f": label, "n": clean_name, "kind": KIND_LABELS[kind], "ext": ext})
    return CheckedFile(
        name=clean_name,
        kind=kind,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


def read_upload(uploaded, field_label: str | None = None) -> CheckedFile:
    """Read a Django UploadedFile (refusing an oversized one before reading it all) and check it."""
    limit = max_upload_bytes()
    label = field_label or _("Tệp minh chứng")
    name = clean_file_name(getattr(uploaded, "name", "") or "")
    size = getattr(uploaded, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("%(f)s: tệp “%(n)s” dung lượng %(size)s, vượt quá giới hạn %(max)s.")
            % {"f": label, "n": name, "size": human_size(size), "max": human_size(limit)}
        )
    content = b"".join(uploaded.chunks()) if hasattr(uploaded, "chunks") else uploaded.read()
    return check_upload(name, content, label)


def human_size(size: int) -> str:
    """ "20 MB", "1,5 MB", "340 KB"."""
    if size >= 1024 * 1024:
        value = math.ceil(size * 10 / (1024 * 1024)) / 10  # rounded up: 1 MB + 1 byte reads "1,1 MB"
        text = f"{value:.1f}".rstrip("0").rstrip(".")
        return f"{text.replace('.', ',')} MB"
    if size >= 1024:
        return f"{round(size / 1024)} KB"
    return f"{size} byte"
