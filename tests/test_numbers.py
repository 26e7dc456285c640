"""Numbers the Vietnamese way (chiso.core.numbers): both notations read as the rules say, generated
numbers round-trip through the comma and the grouped notation, and bad text is refused clearly."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso.core.forms import NUMBER, DecimalCommaField
from chiso.core.numbers import TooLarge, decimal_text, parse_decimal


@pytest.mark.parametrize(
    ("text", "grouped", "plain"),
    [
        ("96,2", Decimal("96.2"), Decimal("96.2")),
        ("96.2", Decimal("96.2"), Decimal("96.2")),
        ("1.200", Decimal("1200"), Decimal("1.2")),  # the one reading the notations disagree on
        ("12.345.678", Decimal("12345678"), None),
        ("1.234,5", Decimal("1234.5"), None),
        ("1 234,5", Decimal("1234.5"), None),
        ("1\u00a0234", Decimal("1234"), None),
        ("1.25", Decimal("1.25"), Decimal("1.25")),
        ("1.2345", Decimal("1.2345"), Decimal("1.2345")),
        ("  7,5 ", Decimal("7.5"), Decimal("7.5")),
        ("-3,5", Decimal("-3.5"), Decimal("-3.5")),
        ("-1.000", Decimal("-1000"), Decimal("-1")),
        ("0", Decimal(0), Decimal(0)),
    ],
)
def test_both_notations(text, grouped, plain):
    assert parse_decimal(text) == grouped
    if plain is None:
        with pytest.raises(ValueError):
            parse_decimal(text, grouping=False)
    else:
        assert parse_decimal(text, grouping=False) == plain


def test_percent_sign_numbers_places_and_limits():
    assert parse_decimal("95%") == parse_decimal("95 %") == Decimal(95)
    assert parse_decimal("96,2 %") == Decimal("96.2")
    with pytest.raises(ValueError):
        parse_decimal("95%", percent=False)
    assert parse_decimal(0.1) == Decimal("0.1")  # a float by its shortest form
    assert parse_decimal(Decimal("88.5")) == Decimal("88.5") and parse_decimal(7) == Decimal(7)
    assert parse_decimal("1,123456", places=4) == Decimal("1.1235")
    assert parse_decimal("1,12", places=4) == Decimal("1.12")  # fewer decimals: kept as written
    with pytest.raises(TooLarge):
        parse_decimal("10.000.000.000")
    assert parse_decimal("10.000.000.000", largest=None) == Decimal(10**10)
    assert parse_decimal("9.999.999.999") == Decimal(9_999_999_999)


@pytest.mark.parametrize(
    "raw", ["", "   ", "%", None, "abc", "chín mươi", "1,2,3", "NaN", "Infinity", True, "9 6"]
)
def test_refused_with_a_value_error(raw):
    grouping = raw != "9 6"  # "9 6" is 96 when digits are grouped by a space
    with pytest.raises(ValueError) as exc:
        parse_decimal(raw, grouping=grouping)
    assert str(exc.value)  # says what was refused


def test_decimal_text():
    assert decimal_text(Decimal("96.2000")) == "96,2"
    assert decimal_text(Decimal("100")) == "100"
    assert decimal_text(Decimal("2.0000")) == "2"
    assert decimal_text(Decimal("1E+3")) == "1000"
    assert decimal_text(Decimal("-0.50")) == "-0,5"


def test_decimal_comma_field_reads_points_not_grouped_numbers():
    field = DecimalCommaField(max_digits=8, decimal_places=4, required=False, error_messages=NUMBER)
    assert field.clean("2,5") == Decimal("2.5") and field.clean(" 2.5 ") == Decimal("2.5")
    assert field.clean("1.200") == Decimal("1.2")
    assert field.clean("") is None
    for bad in ("1.234,5", "95%", "abc"):
        with pytest.raises(Exception, match="Vui lòng nhập một số"):
            field.clean(bad)


numbers = st.decimals(
    min_value=Decimal("-999999999.9999"), max_value=Decimal("999999999.9999"), places=4, allow_nan=False
)


def _grouped(value: Decimal) -> str:
    """1234567.5 → "1.234.567,5": dots between thousands, the decimal comma."""
    sign, text = ("-", f"{-value:f}") if value < 0 else ("", f"{value:f}")
    whole, _, decimals = text.partition(".")
    whole = f"{int(whole):,}".replace(",", ".")
    return sign + whole + ("," + decimals if decimals else "")


@given(numbers)
def test_comma_notation_round_trips(value):
    text = decimal_text(value)
    assert "." not in text
    assert parse_decimal(text) == value
    assert parse_decimal(text, grouping=False) == value
    assert parse_decimal(text.replace(",", "."), grouping=False) == value


@given(numbers, st.sampled_from(["", "%", " %"]), st.sampled_from(["", " ", "\u00a0"]))
def test_grouped_notation_round_trips(value, suffix, pad):
    text = _grouped(value)
    assert parse_decimal(pad + text + suffix + pad) == value
    assert parse_decimal(text.replace(".", " ")) == value  # spaces between thousands


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_grouped_whole_numbers_round_trip(value):
    assert parse_decimal(_grouped(Decimal(value))) == value
    assert parse_decimal(str(value), grouping=False) == value
