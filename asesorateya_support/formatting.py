# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Values written for people: money, hours, dates and percents.

The one place the addon formats a value a person reads: the explanation of a
cancellation quote, the chatter notes, the portal's choices, the activities of
the consultants. Dates and money follow the language of ``env`` (the user's,
or the client's where the caller switched to it), never ISO dates nor bare
floats; hours are ``hh:mm`` as the session logs show them (never ``1.0 h``).

These are the functions the email templates get in their render context
(``format_amount``, ``format_date``, ``format_duration``), so an email and a
note print the same value alike.
"""

import pytz
from babel import dates as babel_dates
from markupsafe import Markup, escape

from odoo.tools import format_amount, format_date, format_duration
from odoo.tools.misc import babel_locale_parse, get_lang, posix_to_ldml


def format_money(env, amount, currency):
    """An amount with its currency, as the language writes it.

    :param env: the environment whose language is used
    :param amount: a float, int or ``Decimal``
    :param currency: the ``res.currency`` of the amount
    :return: e.g. ``$ 60.000`` for 60000 CLP in Spanish
    :rtype: str
    """
    return format_amount(env, float(amount), currency)


def format_day(env, value):
    """A date in the date format of the language (never ISO).

    :param env: the environment whose language is used
    :param value: a ``date`` or its ``YYYY-MM-DD`` text
    :return: e.g. ``25/10/2026`` in Spanish, ``10/25/2026`` in English
    :rtype: str
    """
    return format_date(env, value)


def day_formatter(env):
    """:func:`format_day` for the many days of one page, the language and its
    date format looked up once: Odoo's ``format_date`` looks them up at each
    call (some 30 to 50 µs here), babel then formats a day in some 3 to 6 µs.

    :param env: the environment whose language is used
    :return: a function of a ``date`` (or ``False``) returning the same text
        as ``format_day(env, date)``, e.g. ``25/10/2026`` in Spanish
    :rtype: callable
    """
    lang = get_lang(env)
    locale = babel_locale_parse(lang.code)
    pattern = posix_to_ldml(lang.date_format, locale=locale)

    def format_one(day):
        if not day:
            return ""
        return babel_dates.format_date(day, format=pattern, locale=locale)

    return format_one


def format_hours(hours):
    """Hours as ``hh:mm``, as the session logs show them.

    :param float hours: e.g. ``3.5``
    :return: e.g. ``03:30``
    :rtype: str
    """
    return format_duration(hours)


def format_text(text):
    """A plain text as HTML, as QWeb's ``t-field`` shows a text field:
    escaped, each line break a ``<br>``.

    :param text: a ``str``, or ``False`` (an empty field)
    :return: e.g. ``Markup('a &amp; b<br>\\nc')`` for ``"a & b\\nc"``; ``''``
        when empty
    :rtype: markupsafe.Markup or str
    """
    if not text:
        return ""
    html = escape(text)
    if "\n" not in html:
        return html
    # Odoo's nl2br (ir_qweb_fields), without Markup.replace escaping its
    # arguments again at each call: the same text, some 2 µs less a field.
    return Markup(str(html).replace("\n", "<br>\n"))


def format_hours_words(hours):
    """Hours as a shop page says them, in words rather than ``hh:mm``.

    :param float hours: e.g. ``1.5``
    :return: e.g. ``1 h``, ``8 h`` or ``1 h 30 min``
    :rtype: str
    """
    minutes = round(hours * 60)
    whole, rest = divmod(minutes, 60)
    return f"{whole} h {rest:02d} min" if rest else f"{whole} h"


def format_percent(value):
    """A percentage without useless decimals.

    :param value: a float, int or ``Decimal``, e.g. ``40.0`` or ``12.5``
    :return: e.g. ``40`` or ``12.5`` (the caller writes the ``%``)
    :rtype: str
    """
    return f"{float(value):g}"


def format_long_day(day, lang):
    """A day written out, as the language writes it, first letter in capitals.

    :param day: a ``date``
    :param str lang: a language code, e.g. ``es_CL``
    :return: e.g. ``Lunes, 6 de abril de 2026`` in Spanish
    :rtype: str
    """
    text = babel_dates.format_date(day, format="full", locale=lang or "en_US")
    return text[:1].upper() + text[1:]


def format_moment(moment, tz, lang):
    """A moment on the wall clock of ``tz``: the day written out, the time and
    the zone, e.g. a booked session's start for the client.

    :param moment: a naive UTC ``datetime`` (as Odoo stores them)
    :param str tz: a time zone name, e.g. ``America/Santiago``
    :param str lang: a language code, e.g. ``es_CL``
    :return: e.g. ``lunes, 6 de abril de 2026, 10:00 (America/Santiago)``
    :rtype: str
    """
    local = pytz.utc.localize(moment).astimezone(pytz.timezone(tz))
    day = babel_dates.format_date(local.date(), format="full", locale=lang or "en_US")
    return f"{day}, {local:%H:%M} ({tz})"
