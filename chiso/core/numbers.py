"""Numbers as Vietnamese users write them: the decimal comma, dots between thousands, a percent sign.

`parse_decimal(raw)` reads one number; there are two notations, chosen by the caller:

* ``grouping=True`` (figures typed into a report or a table of observations): spaces between digits,
  also non-breaking ones, are dropped; when there is a comma it is the decimal mark and dots group
  thousands ("1.234,5" → 1234.5, "96,2" → 96.2); without a comma, a dot followed by groups of
  exactly three digits groups thousands ("1.200" → 1200, "12.345.678" → 12345678) and any other dot
  is the decimal point ("96.2", "1.25").
* ``grouping=False`` (points and scores in a number box): "," and "." are both the decimal mark
  and nothing groups digits, so "1.200" is 1.2 and "1.234,5" or "1 200" is refused.

A trailing "%" is dropped unless ``percent=False`` ("95 %" → 95). A number that is already a
number (int, Decimal; a float by its shortest form, 0.1 → 0.1) is taken as it is; a bool is not a
number. More decimals than ``places`` are rounded half to even. Refused with `ValueError`: empty
text, anything else that is not a finite number; with `TooLarge` (a `ValueError`): a magnitude
of at least ``largest``.

`decimal_text(value)` writes a stored value back the way people type it: Decimal("96.2000") →
"96,2", Decimal("2.0000") → "2" (no thousands separator: the inverse of both notations).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

LARGEST = Decimal("1e10")
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+$")
_SPACES = str.maketrans("", "", " \u00a0\u202f\t")


class TooLarge(ValueError):
    """The number is read, but its magnitude is at least the largest accepted."""


def parse_decimal(
    raw: object,
    *,
    grouping: bool = True,
    percent: bool = True,
    places: int | None = None,
    largest: Decimal | None = LARGEST,
) -> Decimal:
    """A number written the Vietnamese way (see the module's rules) → Decimal; ValueError otherwise."""
    if isinstance(raw, bool):
        raise ValueError(f"not a number: {raw!r}")
    if isinstance(raw, Decimal | int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(str(raw))
    else:
        value = _parse_text(str(raw if raw is not None else ""), grouping=grouping, percent=percent)
    if not value.is_finite():
        raise ValueError(f"not a finite number: {raw!r}")
    if largest is not None and abs(value) >= largest:
        raise TooLarge(f"{raw!r} is not below {largest}")
    exponent = value.as_tuple().exponent
    if places is not None and isinstance(exponent, int) and exponent < -places:
        value = value.quantize(Decimal(1).scaleb(-places))
    return value


def _parse_text(raw: str, *, grouping: bool, percent: bool) -> Decimal:
    text = raw.strip()
    if percent and text.endswith("%"):
        text = text[:-1].rstrip()
    if grouping:
        text = text.translate(_SPACES)
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif _THOUSANDS.match(text):
            text = text.replace(".", "")
    else:
        text = text.replace(",", ".")
    if not text:
        raise ValueError("empty: no number")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {raw!r}") from None


def decimal_text(value: Decimal) -> str:
    """Decimal("96.2000") → "96,2"; Decimal("100") → "100"; Decimal("-0.50") → "-0,5"."""
    value = value.normalize()
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return f"{value:f}".replace(".", ",")
