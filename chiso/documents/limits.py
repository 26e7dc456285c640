"""Limits on what one import may cost: bytes, pages, unpacked size, time.

The deadline is checked inside every loop of the readers and the parser, so a hostile or
pathological file ends with `ParseTimeout` instead of holding a worker.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from chiso.documents.errors import ParseTimeout


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024  # the uploaded file
    max_text_bytes: int = 10 * 1024 * 1024  # a plain-text or markdown file
    max_pages: int = 500  # PDF pages read; more are left out with a warning
    max_seconds: float = 90.0  # wall-clock time for reading and parsing one file
    max_unzipped: int = 400 * 1024 * 1024  # total declared size of a .docx's parts
    max_part: int = 200 * 1024 * 1024  # one part of a .docx
    max_ratio: int = 120  # unpacked / packed size of one part bigger than 1 MB
    max_members: int = 10_000  # parts in a .docx
    max_cells: int = 500_000  # table cells in one document
    max_blocks: int = 1_000_000  # paragraphs and table rows


DEFAULT_LIMITS = Limits()


@dataclass
class Deadline:
    """A wall-clock budget; `check()` raises `ParseTimeout` once it is spent."""

    seconds: float
    started: float = field(default_factory=time.monotonic)

    def check(self) -> None:
        if time.monotonic() - self.started > self.seconds:
            raise ParseTimeout(
                _("Quá thời gian xử lý cho phép (%(s)s giây): tệp quá lớn hoặc cấu trúc bất thường.")
                % {"s": int(self.seconds)}
            )

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started
