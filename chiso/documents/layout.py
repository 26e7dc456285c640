"""Lines → paragraphs, for the readers whose source has lines rather than paragraphs (PDF, text).

A new paragraph starts at a list or section marker ("I.", "1.1.", "a)", "-", "(4)"), after a blank
line or a larger vertical gap, at an indented first line, after a line that ended short of the
right margin, and where the text switches between capitals and ordinary case (a "KẾ HOẠCH" line
above the title). A paragraph cut by a page break is joined again.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from chiso.documents.blocks import Paragraph
from chiso.documents.textutil import is_upper_text, starts_lower

MARKER = re.compile(
    r"^\s*(?:"
    r"[IVXLC]{1,6}[.)]"  # I.  II)
    r"|\d{1,2}(?:\.\d{1,2}){0,3}[.)]"  # 1.  1.1.  2)
    r"|\d{1,2}(?:\.\d{1,2}){1,3}(?=\s)"  # 1.1 (no final dot)
    r"|[a-zđ][.)]"  # a)  b.
    r"|\(\s*(?:\d{1,2}|[a-zđ]|[ivx]{1,4})\s*\)"  # (4)  (a)
    r"|[-–—+•·▪●○◦*]"  # bullets
    r")(?=\s|$)"
)
BULLET = re.compile(r"^\s*[-–—+•·▪●○◦*](?=\s|$)")


def has_marker(text: str) -> bool:
    return bool(MARKER.match(text))


@dataclass
class Line:
    text: str
    page: int | None = None
    line: int | None = None
    x0: float | None = None
    x1: float | None = None
    top: float | None = None
    bottom: float | None = None
    size: float | None = None
    bold: bool = False
    italic: bool = False
    blank_before: bool = False  # text: an empty line came before this one
    first_width: float | None = None  # width of the line's first word (PDF)


def _margins(lines: list[Line]) -> tuple[float, float]:
    lefts = sorted(line.x0 for line in lines if line.x0 is not None)
    rights = sorted(line.x1 for line in lines if line.x1 is not None)
    if not lefts:
        return 0.0, 0.0
    left = lefts[len(lefts) // 10]
    right = rights[int(len(rights) * 0.9)] if rights else 0.0
    return left, right


def _is_centered(line: Line, left: float, right: float) -> bool:
    if line.x0 is None or line.x1 is None or right <= left:
        return False
    margin_left = line.x0 - left
    margin_right = right - line.x1
    return margin_left > 30 and abs(margin_left - margin_right) < max(20.0, 0.1 * (right - left))


def build_paragraphs(lines: list[Line]) -> list[Paragraph]:
    """Group lines into paragraphs (geometry used when the lines carry it)."""
    if not lines:
        return []
    geometric = any(line.x0 is not None for line in lines)
    pages: dict[int | None, tuple[float, float, float]] = {}
    if geometric:
        by_page: dict[int | None, list[Line]] = {}
        for line in lines:
            by_page.setdefault(line.page, []).append(line)
        for page, page_lines in by_page.items():
            left, right = _margins(page_lines)
            gaps = [
                b.top - a.bottom
                for a, b in zip(page_lines, page_lines[1:], strict=False)
                if b.top is not None and a.bottom is not None and 0 <= b.top - a.bottom < 40
            ]
            gap = statistics.median(gaps) if gaps else 3.0
            pages[page] = (left, right, gap)

    # Plain text: wrapped lines are all about as long as the longest; a line well short of that
    # ended its paragraph.
    lengths = sorted(len(line.text) for line in lines if line.text.strip())
    wrap_width = lengths[int(len(lengths) * 0.9)] if lengths else 0
    paragraphs: list[Paragraph] = []
    current: list[Line] = []
    current_centered = False

    def flush() -> None:
        nonlocal current
        if current:
            text = ""
            for part in current:
                piece = part.text.strip()
                if not piece:
                    continue
                if text and not re.search(r"\S[-–/]$", text):
                    text += " "
                text += piece
            first = current[0]
            paragraphs.append(
                Paragraph(
                    text,
                    page=first.page,
                    line=first.line,
                    bold=all(part.bold for part in current),
                    italic=all(part.italic for part in current),
                    centered=current_centered,
                )
            )
        current = []

    previous: Line | None = None
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        new = previous is None or not current
        centered = False
        if not new and previous is not None:
            if line.blank_before:
                new = True
            elif has_marker(text):
                # "- xã hội các cấp" continues "chính trị" on the line above; a real item starts in capitals.
                new = not (
                    BULLET.match(text)
                    and starts_lower(BULLET.sub("", text, count=1))
                    and not re.search(r"[.:;!?]\s*$", previous.text)
                )
            elif (
                is_upper_text(previous.text) != is_upper_text(text)
                and (len(previous.text) < 90 or len(text) < 90)
                or text.startswith("(")
                and not starts_lower(text[1:])
                and is_upper_text(previous.text)
            ):
                new = True
            elif geometric:
                new = _geometric_break(previous, line, pages)
            else:
                # Plain text: a line ending a sentence closes its paragraph unless the next starts in
                # lower case (a wrapped sentence).
                ended = (
                    bool(re.search(r"[.:;!?]\s*$", previous.text)) or len(previous.text) < 0.7 * wrap_width
                )
                new = ended and not starts_lower(text)
        if geometric and line.page in pages:
            left, right, _ = pages[line.page]
            centered = _is_centered(line, left, right)
            if not new and centered != current_centered:
                new = True
            if (
                new
                and centered
                and current_centered
                and current
                and previous is not None
                and previous.page == line.page
                and line.bold == previous.bold
                and is_upper_text(previous.text) == is_upper_text(text)
                and not has_marker(text)
                and line.top is not None
                and previous.bottom is not None
                and line.top - previous.bottom < pages[line.page][2] + 0.6 * (line.size or 12)
            ):
                new = False  # a centred title over several lines
            if not new and (line.bold != previous.bold):
                new = True
        if new:
            flush()
            current_centered = centered
        current.append(line)
        previous = line
    flush()
    return paragraphs


def _geometric_break(previous: Line, line: Line, pages: dict) -> bool:
    left, right, gap = pages.get(line.page, (0.0, 0.0, 3.0))
    size = line.size or 12.0
    if previous.page != line.page:
        prev_left, prev_right, _ = pages.get(previous.page, (left, right, gap))
        # Continues across the page break when the last line ran to the margin and this one is not indented.
        indented = line.x0 is not None and line.x0 > left + 0.8 * size
        return _ended_short(previous, line, prev_right, size) or indented
    if line.top is not None and previous.bottom is not None and line.top - previous.bottom > gap + 0.6 * size:
        return True
    if line.x0 is not None and line.x0 > left + 0.8 * size and not _is_centered(line, left, right):
        return True
    return _ended_short(previous, line, right, size)


def _ended_short(previous: Line, line: Line, right: float, size: float) -> bool:
    """The line above stopped although the next word would have fitted: its paragraph ended there."""
    if previous.x1 is None:
        return False
    if line.first_width is not None:
        return previous.x1 + 0.35 * size + line.first_width < right - 1.0
    return previous.x1 < right - 2.5 * size
