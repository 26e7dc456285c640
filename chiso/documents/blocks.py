"""The common intermediate every reader yields: paragraphs and tables, with where they were.

The parser reads only these, so it does not know whether they came from Word, PDF or text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    text: str  # NFC, whitespace collapsed; a hard line break inside is kept as "\n"
    page: int | None = None
    line: int | None = None
    bold: bool = False
    italic: bool = False
    centered: bool = False


@dataclass
class Cell:
    text: str  # separate paragraphs or bullet lines joined by "\n", wrapped lines by a space
    hmerged: bool = False  # a copy of the cell to the left (horizontal merge)
    vmerged: bool = False  # a copy of the cell above (vertical merge)

    @property
    def own_text(self) -> str:
        """The text written in this grid cell itself (merged copies count as empty)."""
        return "" if (self.hmerged or self.vmerged) else self.text


@dataclass
class Row:
    cells: list[Cell]
    page: int | None = None
    line: int | None = None
    header: bool = False  # marked as a header row repeated on each page (Word: tblHeader)
    after_break: bool = False  # the first row after a page break or a table split

    @property
    def texts(self) -> list[str]:
        return [cell.text for cell in self.cells]


@dataclass
class Table:
    rows: list[Row]
    page: int | None = None
    line: int | None = None
    continues: bool = False  # the reader knows this table continues the previous one


Block = Paragraph | Table


@dataclass
class Document:
    blocks: list[Block]
    format: str  # "docx", "pdf", "md" (markdown or plain text)
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    filename: str = ""
