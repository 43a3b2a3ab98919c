# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Checks of the values people type, before the ORM or the database sees them.

The ORM converts what it can and the database refuses the rest with its own
words (``invalid input syntax``, ``integer out of range``) or lets absurd
values through (``NaN`` hours). These helpers refuse such values first, with
a message naming the field, so that every door (backend forms, JSON-RPC, the
portal) gets the same clear :class:`~odoo.exceptions.ValidationError`.
"""

import math

from odoo import _, fields
from odoo.exceptions import ValidationError

#: Most characters of a free text someone types (a session's objective, the
#: client's priorities, a claim's reasons): pages of text, or a pasted
#: traceback. More is a mistake, and every email that repeats it would carry it.
MAX_TEXT_LENGTH = 20000
#: Most characters of a one-line text (a reference).
MAX_LINE_LENGTH = 256
#: The range of a PostgreSQL ``integer`` column.
MIN_INTEGER = -(2**31)
MAX_INTEGER = 2**31 - 1


def _label(model, fname):
    return model._fields[fname]._description_string(model.env)


def _is_empty(value):
    return value is None or value is False


def check_text(text, label, max_length=MAX_TEXT_LENGTH):
    """Refuse a value that is not text, text with a NUL character, or text
    longer than ``max_length``.

    :param text: the value given (``None`` or ``False`` mean empty)
    :param str label: the name of what was typed, as the user sees it
    :param int max_length: most characters allowed
    :raise ValidationError: naming ``label``
    """
    if _is_empty(text):
        return
    if not isinstance(text, str):
        raise ValidationError(_("%(field)s must be text.", field=label))
    if "\x00" in text:
        # PostgreSQL cannot store a NUL in a text (psycopg2 refuses it with a
        # ValueError, an error page): a pasted binary, never a real text.
        raise ValidationError(
            _(
                "%(field)s contains a character that cannot be saved (NUL): "
                "remove it and try again.",
                field=label,
            )
        )
    if len(text) > max_length:
        raise ValidationError(
            _(
                "%(field)s: too long, %(count)s characters (at most %(max)s).",
                field=label,
                count=len(text),
                max=max_length,
            )
        )


def check_text_values(model, vals, fnames):
    """Refuse the texts of ``vals`` that are not text or too long.

    Char fields take one line (:data:`MAX_LINE_LENGTH`), Text fields pages
    (:data:`MAX_TEXT_LENGTH`).

    :param model: the model the values are for
    :param dict vals: values of a ``create`` or ``write``
    :param fnames: the text fields to check (absent ones are skipped)
    :raise ValidationError: naming the field
    """
    for fname in fnames:
        if fname in vals:
            max_length = (
                MAX_LINE_LENGTH
                if model._fields[fname].type == "char"
                else MAX_TEXT_LENGTH
            )
            check_text(vals[fname], _label(model, fname), max_length)


def to_number(value, label):
    """The finite number ``value`` stands for (a number or its text).

    :param value: the value given; ``None`` or ``False`` give ``0.0``
    :param str label: the name of the field, as the user sees it
    :rtype: float
    :raise ValidationError: on another type, a text that is no number, NaN
        or an infinity
    """
    if _is_empty(value):
        return 0.0
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError(value)
        number = float(value)
    except (OverflowError, ValueError) as error:
        raise ValidationError(_("%(field)s must be a number.", field=label)) from error
    if not math.isfinite(number):
        raise ValidationError(_("%(field)s must be a number.", field=label))
    return number


def check_number_values(model, vals, fnames):
    """Refuse the numbers of ``vals`` that are no finite number, or that an
    Integer column cannot hold; store them as numbers in ``vals``.

    :param model: the model the values are for
    :param dict vals: values of a ``create`` or ``write``, updated in place
    :param fnames: the numeric fields to check (absent ones are skipped)
    :raise ValidationError: naming the field
    """
    for fname in fnames:
        if fname not in vals or _is_empty(vals[fname]):
            continue
        label = _label(model, fname)
        number = to_number(vals[fname], label)
        if model._fields[fname].type == "integer":
            if not MIN_INTEGER <= number <= MAX_INTEGER:
                raise ValidationError(_("%(field)s is far too large.", field=label))
            number = int(number)
        vals[fname] = number


def check_date_values(model, vals, fnames):
    """Refuse the dates of ``vals`` that are not a date nor its text.

    :param model: the model the values are for
    :param dict vals: values of a ``create`` or ``write``
    :param fnames: the date fields to check (absent ones are skipped)
    :raise ValidationError: naming the field
    """
    for fname in fnames:
        if fname in vals:
            to_date(vals[fname], _label(model, fname))


def to_date(value, label):
    """The date ``value`` stands for: a date or its ``YYYY-MM-DD`` text.

    :param value: the value given; ``None`` or ``False`` give ``None``
    :param str label: the name of the field, as the user sees it
    :rtype: datetime.date or None
    :raise ValidationError: on another type, or a text that is no date
    """
    if _is_empty(value):
        return None
    try:
        if not isinstance(value, str) and not hasattr(value, "year"):
            raise TypeError(value)
        return fields.Date.to_date(value)
    except (TypeError, ValueError) as error:
        raise ValidationError(
            _("%(field)s: write a date as YYYY-MM-DD.", field=label)
        ) from error


def check_id_values(model, vals, fnames):
    """Refuse the many2one values of ``vals`` that are not a record id.

    The ORM takes other shapes (a dict makes a new record in memory), and a
    text reaches the database as ``invalid input syntax for type integer``.

    :param model: the model the values are for
    :param dict vals: values of a ``create`` or ``write``
    :param fnames: the many2one fields to check (absent ones are skipped)
    :raise ValidationError: naming the field
    """
    for fname in fnames:
        value = vals.get(fname)
        if _is_empty(value):
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not MIN_INTEGER <= value <= MAX_INTEGER
        ):
            raise ValidationError(
                _(
                    "%(field)s: give the id of an existing record.",
                    field=_label(model, fname),
                )
            )


def to_datetime(value, label):
    """The moment ``value`` stands for: a naive UTC datetime or its
    ``YYYY-MM-DD HH:MM:SS`` text, as Odoo stores datetimes.

    :param value: the value given; ``None`` or ``False`` give ``None``
    :param str label: the name of the field, as the user sees it
    :rtype: datetime.datetime or None
    :raise ValidationError: on another type, a text that is no moment, or an
        aware datetime (Odoo's are naive, in UTC)
    """
    if _is_empty(value):
        return None
    try:
        if isinstance(value, str):
            moment = fields.Datetime.to_datetime(value)
        elif hasattr(value, "hour") and value.tzinfo is None:
            moment = value
        else:
            raise TypeError(value)
    except (TypeError, ValueError) as error:
        raise ValidationError(
            _("%(field)s: write a moment as YYYY-MM-DD HH:MM:SS (UTC).", field=label)
        ) from error
    return moment


def check_datetime_values(model, vals, fnames):
    """Refuse the datetimes of ``vals`` that are not a moment nor its text.

    :param model: the model the values are for
    :param dict vals: values of a ``create`` or ``write``
    :param fnames: the datetime fields to check (absent ones are skipped)
    :raise ValidationError: naming the field
    """
    for fname in fnames:
        if fname in vals:
            to_datetime(vals[fname], _label(model, fname))
