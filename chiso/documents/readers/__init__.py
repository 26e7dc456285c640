"""One entry point for every format: bytes (or a path) and a file name → `Document`.

The format is told by the content (zip, %PDF, OLE, text), the file name only breaks ties and
names the problem when they disagree.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext as _

from chiso.documents.blocks import Document
from chiso.documents.errors import CorruptDocument, DocumentImportError, DocumentTooLarge, UnsupportedFormat
from chiso.documents.limits import DEFAULT_LIMITS, Deadline, Limits

TEXT_EXTENSIONS = {".md", ".markdown", ".txt", ".text", ""}
SUPPORTED = ".docx, .pdf, .md, .txt"


def sniff(data: bytes, filename: str = "") -> str:
    """ "docx", "pdf" or "md"; raises UnsupportedFormat for anything else."""
    from chiso.documents.readers.docx import OLE_MAGIC
    from chiso.documents.readers.text import looks_like_text

    extension = os.path.splitext(filename or "")[1].lower()
    head = data[:1024]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "docx"
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(OLE_MAGIC):
        return "docx"  # the Word reader names the problem (password or old .doc)
    if extension in (".docx", ".pdf") and data:
        kind = _("Word") if extension == ".docx" else "PDF"
        raise CorruptDocument(
            _("Tệp “%(name)s” không phải tệp %(kind)s hợp lệ (nội dung bị hỏng hoặc sai định dạng).")
            % {"name": os.path.basename(filename), "kind": kind}
        )
    if extension in (".doc",):
        raise UnsupportedFormat(
            _("Định dạng Word cũ (.doc) chưa được hỗ trợ: hãy mở và lưu lại dưới dạng .docx.")
        )
    if extension in TEXT_EXTENSIONS or extension in (".csv",):
        if looks_like_text(data):
            return "md"
        raise CorruptDocument(_("Tệp văn bản chứa dữ liệu nhị phân, không đọc được như văn bản."))
    raise UnsupportedFormat(
        _("Định dạng tệp “%(ext)s” không được hỗ trợ; hãy dùng một trong các định dạng: %(ok)s.")
        % {"ext": extension or filename, "ok": SUPPORTED}
    )


def load_bytes(source: str | os.PathLike | bytes, limits: Limits) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > limits.max_bytes:
            raise DocumentTooLarge(
                _("Tệp quá lớn (%(mb)s MB, tối đa %(max)s MB).")
                % {"mb": len(data) // (1024 * 1024), "max": limits.max_bytes // (1024 * 1024)}
            )
        return data, ""
    path = Path(source)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentImportError(
            _("Không mở được tệp “%(name)s”.") % {"name": path.name}, code="unreadable"
        ) from exc
    if not path.is_file():
        raise DocumentImportError(
            _("“%(name)s” không phải là một tệp.") % {"name": path.name}, code="unreadable"
        )
    if size > limits.max_bytes:
        raise DocumentTooLarge(
            _("Tệp quá lớn (%(mb)s MB, tối đa %(max)s MB).")
            % {"mb": size // (1024 * 1024), "max": limits.max_bytes // (1024 * 1024)}
        )
    try:
        return path.read_bytes(), path.name
    except OSError as exc:
        raise DocumentImportError(
            _("Không đọc được tệp “%(name)s”.") % {"name": path.name}, code="unreadable"
        ) from exc


def read_document(
    source: str | os.PathLike | bytes,
    filename: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    deadline: Deadline | None = None,
) -> Document:
    """Read a .docx, .pdf or text/markdown file into blocks. Raises DocumentImportError."""
    data, name = load_bytes(source, limits)
    filename = filename or name
    deadline = deadline or Deadline(limits.max_seconds)
    if not data.strip():
        raise DocumentImportError(_("Tệp rỗng, không có nội dung."), code="empty")
    kind = sniff(data, filename)
    if kind == "docx":
        from chiso.documents.readers.docx import read_docx

        document = read_docx(data, limits, deadline)
    elif kind == "pdf":
        from chiso.documents.readers.pdf import read_pdf

        document = read_pdf(data, limits, deadline)
    else:
        from chiso.documents.readers.text import read_text

        document = read_text(data, limits, deadline)
    document.filename = filename or ""
    extension = os.path.splitext(filename or "")[1].lower()
    expected = {"docx": {".docx"}, "pdf": {".pdf"}, "md": TEXT_EXTENSIONS | {".csv"}}[kind]
    if filename and extension not in expected:
        document.warnings.append(
            _("Phần mở rộng “%(ext)s” không khớp nội dung tệp (%(kind)s); tệp được đọc theo nội dung.")
            % {"ext": extension, "kind": kind}
        )
    return document
