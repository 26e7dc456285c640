"""A neutral model of an official document (Decree 30/2020/NĐ-CP), independent of any database model.

Plans, reports and consolidated tables are mapped onto these frozen dataclasses; the writers in
`docx_writer` and `xlsx_writer` render them. Sequences given as lists are stored as tuples, so a
built document cannot change under a writer.

Tables: a `Table` has `Column`s and `Row`s. A "data" or "total" row has exactly one cell per
column. A "group" row names a dimension (for example "1 | Tham gia của người dân ở cấp cơ sở"):
it has one cell or more, and its last cell spans every remaining column, in bold. A cell is text
(several lines separated by "\\n") or a number (int, float, Decimal), which the .xlsx writer keeps
as a number and the .docx writer prints the Vietnamese way ("1.234,5").
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Align = Literal["left", "center", "right", "justify"]
RowKind = Literal["data", "group", "total"]
ChartKind = Literal["bar", "stacked_bar"]
Orientation = Literal["auto", "vertical", "horizontal"]
Number = int | float | Decimal
CellValue = str | Number | None

ALIGNS: tuple[str, ...] = ("left", "center", "right", "justify")
ROW_KINDS: tuple[str, ...] = ("data", "group", "total")
CHART_KINDS: tuple[str, ...] = ("bar", "stacked_bar")
MAX_DECIMALS = 4


def _freeze(obj: object, name: str) -> None:
    """Store the sequence attribute `name` of a frozen dataclass as a tuple."""
    value = getattr(obj, name)
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TypeError(f"{type(obj).__name__}.{name} must be a sequence, not {type(value).__name__}")
    object.__setattr__(obj, name, tuple(value))


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Text that XML can carry: line ends and Word's manual line breaks (vertical tab) as "\\n",
    other control characters dropped, tabs kept."""
    for line_end in ("\r\n", "\r", "\x0b", "\x0c"):
        text = text.replace(line_end, "\n")
    return _XML_ILLEGAL.sub("", text)


def text_lines(text: str) -> list[str]:
    """The lines of a cell or heading, cleaned (see `clean_text`)."""
    return clean_text(text).split("\n")


def is_number(value: object) -> bool:
    """True for the cell values written as numbers: int, float, Decimal (not bool, NaN or infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return not (isinstance(value, float | Decimal) and not math.isfinite(value))


def number_decimals(value: Number, decimals: int | None = None) -> int:
    """How many decimals a number is shown with: `decimals` if given, else its own (at most 4).

    An int has none; a Decimal keeps its exponent (Decimal("99.50") → 2); a float shows the
    decimals it needs up to 2 (99.5 → 1, 2.0 → 0, 1/3 → 2).
    """
    if decimals is not None:
        return max(0, decimals)
    if isinstance(value, int):
        return 0
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return min(MAX_DECIMALS, -exponent) if isinstance(exponent, int) and exponent < 0 else 0
    text = f"{round(value, 2):.2f}".rstrip("0")
    return len(text.split(".")[1])


def format_number(value: Number, decimals: int | None = None) -> str:
    """A number the Vietnamese way: "." between thousands, "," before decimals (1234.5 → "1.234,5")."""
    places = number_decimals(value, decimals)
    # Half up, as people and spreadsheets round (64.25 → "64,3"); str() of a float is its shortest form.
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    text = f"{exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def cell_text(value: CellValue, decimals: int | None = None) -> str:
    """The text a cell shows in a document: numbers formatted the Vietnamese way, None as ""."""
    if value is None:
        return ""
    if is_number(value):
        return format_number(value, decimals)  # type: ignore[arg-type]
    return str(value)


@dataclass(frozen=True)
class Column:
    """A table column: its header (may hold "\\n"), width in centimetres and alignment of data cells.

    `decimals` fixes how many decimals numbers in this column show (None: each number's own).
    """

    title: str
    width_cm: float
    align: Align = "left"
    decimals: int | None = None

    def __post_init__(self) -> None:
        if self.width_cm <= 0:
            raise ValueError(f"Column {self.title!r}: width_cm must be positive, got {self.width_cm}")
        if self.align not in ALIGNS:
            raise ValueError(f"Column {self.title!r}: align must be one of {ALIGNS}, got {self.align!r}")


@dataclass(frozen=True)
class Row:
    """A table row. "group" rows name a dimension and span to the last column in bold; "total" rows are bold."""

    cells: Sequence[CellValue]
    kind: RowKind = "data"

    def __post_init__(self) -> None:
        _freeze(self, "cells")
        if self.kind not in ROW_KINDS:
            raise ValueError(f"Row kind must be one of {ROW_KINDS}, got {self.kind!r}")
        for value in self.cells:
            if value is not None and not isinstance(value, str) and not is_number(value):
                raise TypeError(f"A cell holds text or a finite number, not {value!r}")


@dataclass(frozen=True)
class Table:
    """A table with one header row (`columns`) and its rows; the header repeats on every page."""

    columns: Sequence[Column]
    rows: Sequence[Row] = ()

    def __post_init__(self) -> None:
        _freeze(self, "columns")
        _freeze(self, "rows")
        if not self.columns:
            raise ValueError("A table needs at least one column")
        width = len(self.columns)
        for number, row in enumerate(self.rows, start=1):
            if row.kind == "group":
                if not 1 <= len(row.cells) <= width:
                    raise ValueError(
                        f"Row {number}: a group row has 1 to {width} cells, got {len(row.cells)}"
                    )
            elif len(row.cells) != width:
                raise ValueError(f"Row {number}: expected {width} cells, got {len(row.cells)}")

    @property
    def width_cm(self) -> float:
        """The sum of the column widths."""
        return sum(column.width_cm for column in self.columns)


@dataclass(frozen=True)
class Chart:
    """A bar chart for reports: one value per category in every series.

    "bar" puts the series side by side, "stacked_bar" stacks them. `orientation` "auto" lays the
    bars horizontally when there are many categories or long category names.
    """

    title: str
    kind: ChartKind
    categories: Sequence[str]
    series: Sequence[tuple[str, Sequence[Number | None]]]
    value_label: str = ""
    orientation: Orientation = "auto"

    def __post_init__(self) -> None:
        _freeze(self, "categories")
        if self.kind not in CHART_KINDS:
            raise ValueError(f"Chart kind must be one of {CHART_KINDS}, got {self.kind!r}")
        if self.orientation not in ("auto", "vertical", "horizontal"):
            raise ValueError(
                f"Chart orientation must be auto, vertical or horizontal, got {self.orientation!r}"
            )
        if not self.categories or not self.series:
            raise ValueError(f"Chart {self.title!r} needs categories and at least one series")
        frozen = []
        for name, values in self.series:
            values = tuple(values)
            if len(values) != len(self.categories):
                raise ValueError(
                    f"Chart {self.title!r}: series {name!r} has {len(values)} values for {len(self.categories)} categories"
                )
            if any(value is not None and not is_number(value) for value in values):
                raise TypeError(f"Chart {self.title!r}: series {name!r} holds a value that is not a number")
            frozen.append((name, values))
        object.__setattr__(self, "series", tuple(frozen))


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph with its own emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph made of runs (plain strings are runs without emphasis).

    By default justified with a first-line indent, as Decree 30 lays out body text.
    """

    runs: Sequence[Run | str]
    align: Align = "justify"
    indent: bool = True
    bold: bool = False
    italic: bool = False

    def __post_init__(self) -> None:
        _freeze(self, "runs")
        object.__setattr__(self, "runs", tuple(Run(r) if isinstance(r, str) else r for r in self.runs))
        if self.align not in ALIGNS:
            raise ValueError(f"Paragraph align must be one of {ALIGNS}, got {self.align!r}")

    @property
    def text(self) -> str:
        """The paragraph's plain text."""
        return "".join(run.text for run in self.runs)  # type: ignore[union-attr]


Block = str | Paragraph | Table | Chart
"""What a section holds, in order: text paragraphs (a str is a plain paragraph), tables and charts."""


@dataclass(frozen=True)
class Section:
    """A numbered part of the body: "I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "a) …".

    The heading is written as given (numbering included); an empty heading writes none.
    """

    heading: str
    paragraphs: Sequence[Block] = ()
    subsections: Sequence[Section] = ()

    def __post_init__(self) -> None:
        _freeze(self, "paragraphs")
        _freeze(self, "subsections")
        for block in self.paragraphs:
            if not isinstance(block, str | Paragraph | Table | Chart):
                raise TypeError(
                    f"Section {self.heading!r} holds {type(block).__name__}, not a paragraph, table or chart"
                )


@dataclass(frozen=True)
class Appendix:
    """An appendix on its own pages (landscape by default) after the signature.

    `title` may hold several lines ("PHỤ LỤC\\nNHIỆM VỤ …"); `subtitle` is the italic line
    "(Kèm theo Kế hoạch số 154/KH-UBND ngày 31/5/2021 của UBND huyện Vị Xuyên)".
    """

    title: str
    subtitle: str = ""
    table: Table | None = None
    charts: Sequence[Chart] = ()
    landscape: bool = True

    def __post_init__(self) -> None:
        _freeze(self, "charts")


@dataclass(frozen=True, kw_only=True)
class OfficialDocument:
    """An administrative document in the Decree 30 layout (plan, report, decision…).

    - `issuer_parent`: the body above the issuer ("UBND TỈNH TUYÊN QUANG"), may be empty.
    - `issuer`: the issuing body ("UBND HUYỆN VỊ XUYÊN"); "\\n" breaks a long name.
    - `number_symbol`: "154/KH-UBND"; a draft leaves the number blank ("/KH-UBND").
    - `place`: "Vị Xuyên"; `issued_on`: None for a draft ("ngày     tháng     năm 20..").
    - `doc_type`: "KẾ HOẠCH", "BÁO CÁO"; `title` may hold several lines.
    - `preamble`: the paragraphs before the first section ("Thực hiện Kế hoạch số …").
    - `recipients`: "Nơi nhận" lines, the last usually "Lưu: VT, …"; "- " and the ";"/"."
      endings are added where missing.
    - `signer_authority` ("TM. ỦY BAN NHÂN DÂN"), `signer_title` ("CHỦ TỊCH" or
      "KT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH"), `signer_name`.
    """

    issuer: str
    number_symbol: str
    place: str
    doc_type: str
    title: str
    issuer_parent: str = ""
    issued_on: dt.date | None = None
    preamble: Sequence[Block] = ()
    sections: Sequence[Section] = ()
    recipients: Sequence[str] = ()
    signer_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    appendices: Sequence[Appendix] = field(default=())

    def __post_init__(self) -> None:
        for name in ("preamble", "sections", "recipients", "appendices"):
            _freeze(self, name)
