"""Vietnamese text: NFC normalisation and the folded search key.

The folded key is what accent-insensitive search compares: lower case, combining marks
stripped, đ/Đ → d, whitespace collapsed. It is computed with `unicodedata` only (no GPL
transliteration library at run time).
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str | None) -> str:
    """NFC-normalise and collapse whitespace; what every stored name goes through."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str | None) -> str:
    """The search key of `text`: "Phòng Nội vụ" → "phong noi vu", "Đống Đa" → "dong da"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def fold_words(text: str | None) -> list[str]:
    """The folded words of a query, for matching every word in any order."""
    return [word for word in re.split(r"[^0-9a-z]+", fold(text)) if word]
