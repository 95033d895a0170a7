"""The house money rules: half-up to cents, and the €1.900,00 format."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from recs_shared.money import decimal_string, format_eur, parse_decimal_string, to_cents

# The page's formatEUR is tested against the same file: one list of vectors,
# so the server and the browser cannot drift apart character by character.
VECTORS = json.loads(
    (Path(__file__).parents[1] / "support" / "eur_format_vectors.json").read_text()
)["vectors"]


@pytest.mark.parametrize(
    ("amount", "shown"), [(v["amount"], v["formatted"]) for v in VECTORS]
)
def test_format_eur_in_the_house_format(amount, shown):
    assert format_eur(Decimal(amount)) == shown


@pytest.mark.parametrize(
    ("amount", "cents"),
    [("2.675", "2.68"), ("2.665", "2.67"), ("-2.675", "-2.68"), ("0.004999", "0.00")],
)
def test_to_cents_rounds_half_away_from_zero(amount, cents):
    assert to_cents(Decimal(amount)) == Decimal(cents)


def test_decimal_string_never_uses_exponents():
    assert decimal_string(Decimal("1E-7")) == "0.0000001"
    assert decimal_string(Decimal("5e-06")) == "0.000005"
    assert decimal_string(Decimal("-0")) == "0"


@pytest.mark.parametrize("text", ["1e3", "1.", ".5", "", " 1", "1,5", "NaN"])
def test_parse_decimal_string_refuses_anything_but_plain_decimals(text):
    with pytest.raises(ValueError, match="not a decimal string"):
        parse_decimal_string(text)
