"""Strict marshmallow fields for the event contract.

The stock fields are lenient where a published contract must not be: Decimal
accepts floats, Date accepts datetimes, Integer accepts ``"3"``. These refuse
anything but the one documented form, so two teams reading the same event
never disagree about it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

from marshmallow import ValidationError, fields

from recs_shared.money import decimal_string, parse_decimal_string

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
RFC3339_PATTERN = (
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})"
)
_RFC3339 = re.compile(RFC3339_PATTERN, re.ASCII)

# Far beyond any real bill, well inside what every reader can hold: a
# stored amount or count out of these bounds would break every page and
# projection that adds it up (Decimal contexts, Firestore's int64).
MONEY_DIGITS = 15  # before the decimal point, leading zeros included
MONEY_PLACES = 18
COUNT_LIMIT = 2**63 - 1


class Money(fields.Field):
    """A decimal string such as ``"12.345"``; loads as Decimal, never a float."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else decimal_string(Decimal(value))

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError('Money must be a decimal string such as "12.34".')
        try:
            amount = parse_decimal_string(value)
        except ValueError:
            raise ValidationError(f"Not a decimal string: {value!r}.") from None
        # Counted on the text, as the JSON Schema's pattern does.
        if len(value.lstrip("-").split(".")[0]) > MONEY_DIGITS:
            raise ValidationError(
                f"At most {MONEY_DIGITS} digits before the decimal point."
            )
        if -amount.as_tuple().exponent > MONEY_PLACES:
            raise ValidationError(f"At most {MONEY_PLACES} decimal places.")
        return amount


class UTCDay(fields.Field):
    """A UTC calendar day, exactly ``YYYY-MM-DD``."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.isoformat()

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not _DAY.fullmatch(value):
            raise ValidationError(f"Not a YYYY-MM-DD day: {value!r}.")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"Not a calendar day: {value!r}.") from None


class Timestamp(fields.Field):
    """RFC 3339 with an explicit offset; loads as an aware datetime in UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.astimezone(UTC).isoformat()

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not _RFC3339.fullmatch(value):
            raise ValidationError(f"Not an RFC 3339 timestamp with offset: {value!r}.")
        text = value.upper().replace("Z", "+00:00")
        # Python keeps microseconds; Pub/Sub and Firestore send nanoseconds.
        text = re.sub(r"(\.\d{6})\d+", r"\1", text)
        try:
            return datetime.fromisoformat(text).astimezone(UTC)
        except ValueError:
            raise ValidationError(f"Not a valid timestamp: {value!r}.") from None


class Count(fields.Integer):
    """A whole number ≥ 0, as a JSON integer (not a string, not 1.0)."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
        number = super()._deserialize(value, attr, data, **kwargs)
        if number < 0:
            raise ValidationError(f"Must be 0 or more, got {number}.")
        if number > COUNT_LIMIT:
            raise ValidationError(f"Must be at most {COUNT_LIMIT} (a 64-bit integer).")
        return number


class NonNegativeFloat(fields.Float):
    """A measurement (hours, gigabytes) as a JSON number ≥ 0."""

    def __init__(self, **kwargs):
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, (bool, str)):
            raise ValidationError("Not a valid number.")
        number = super()._deserialize(value, attr, data, **kwargs)
        if number < 0:
            raise ValidationError(f"Must be 0 or more, got {number}.")
        return number


class StrictString(fields.String):
    """A non-empty string."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text.strip():
            raise ValidationError("Must not be empty.")
        return text


class StrictBoolean(fields.Boolean):
    """JSON true or false; not 1, "yes" or "true"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Not a boolean (true or false).")
        return value
