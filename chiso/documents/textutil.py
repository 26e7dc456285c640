"""Small text helpers shared by the readers and the parser."""

from __future__ import annotations

import html
import re
import unicodedata

from chiso.core.text import fold

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?>")
_BREAK_TAGS = {"br", "p", "li", "div", "tr"}


def clean_line(text: str) -> str:
    """NFC, control characters removed, runs of spaces collapsed (line breaks kept)."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text)
    lines = [
        _SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    return "\n".join(lines).strip("\n").strip()


def one_line(text: str | None) -> str:
    """Whitespace (line breaks included) collapsed: the form strings take in the JSON output."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).replace("\n", " ")).strip()


def strip_html(text: str) -> str:
    """Tags removed (<br>, <p>, <li> become line breaks), entities decoded."""
    if "<" not in text and "&" not in text:
        return text

    def replace(match: re.Match) -> str:
        return "\n" if match.group(2).lower() in _BREAK_TAGS else ""

    text = _TAG.sub(replace, text)
    return html.unescape(text)


_EMPHASIS = re.compile(
    r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])|(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])"
)


def strip_markdown(text: str) -> str:
    """Markdown emphasis, heading marks and escapes removed: "### **b) Công khai**" → "b) Công khai"."""
    text = re.sub(r"^\s{0,3}#{1,6}\s+", "", text)
    previous = None
    while previous != text:
        previous = text
        text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or m.group(4) or "", text)
    text = text.replace("**", "")
    text = re.sub(r"^\*+\s*|\s*\*+$", "", text) if re.fullmatch(r"\*+[^*]*\*+", text.strip()) else text
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", text)
    return text


def unwrap_emphasis(text: str) -> str:
    """A paragraph written between asterisks ("*d) Kiểm soát…*") as literal text loses them."""
    stripped = text.strip()
    match = re.fullmatch(r"(\*{1,3})(.+?)\1", stripped, flags=re.S)
    return match.group(2).strip() if match else text


def is_upper_text(text: str) -> bool:
    """Written in capitals ("KẾ HOẠCH", "I. MỤC ĐÍCH, YÊU CẦU")."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and sum(ch.isupper() for ch in letters) >= 0.85 * len(letters)


def starts_lower(text: str) -> bool:
    stripped = text.lstrip(" \"'“(")
    return bool(stripped) and stripped[0].isalpha() and stripped[0].islower()


__all__ = [
    "clean_line",
    "fold",
    "is_upper_text",
    "one_line",
    "starts_lower",
    "strip_html",
    "strip_markdown",
    "unwrap_emphasis",
]
