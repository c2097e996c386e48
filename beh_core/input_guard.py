"""One input guard in front of every view (issue 8): hostile input never reaches the database.

* ``refuse_control_characters`` (a ``before_request`` hook) answers 400 with a
  Swedish page when the path, a query-string name or value, or a form field
  name holds a control character (NUL and the rest of Unicode's Cc and Cf
  classes), and when a form field *value* holds a NUL. Other control
  characters in a form value reach the form, which refuses them at the field
  with a message and the typed text kept (``beh_core.views.forms``: every view
  reads its form through that layer).
* ``BoundedRequest`` makes ``request.args/form/values.get(..., type=int)`` and
  ``getlist(..., type=int)`` treat a number outside the database's integer
  range (32-bit signed) as no value, like any other unreadable number.
* ``DbIdConverter`` replaces the ``<int:...>`` URL converter: an id above
  2^31 - 1 is "not found" (404) instead of a database error.
* ``safe_next`` accepts a return path after login only when it is a path on
  this site after normalisation (no scheme, host, backslash, control
  character, ``//`` or an encoded form of them).

Field-level messages come from the forms; this layer only keeps out what no
form may ever carry (a NUL never reaches a form, let alone the database).
"""
from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import Flask, render_template, request
from flask.wrappers import Request
from flask_babel import gettext
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1
FORM_WHITESPACE = frozenset("\t\r\n")  # allowed in form values (text areas), nowhere else
MAX_NEXT_LENGTH = 2000


def db_int(value: str) -> int:
    """``int(value)`` for request data, refusing what no integer column can hold (ValueError)."""
    text = str(value).strip()
    if len(text) > 12:  # "-2147483648" is 11 characters; never parse huge digit strings
        raise ValueError("number too long")
    number = int(text)
    if not DB_INT_MIN <= number <= DB_INT_MAX:
        raise ValueError("number outside the database's integer range")
    return number


def _bounded(type_):
    return db_int if type_ is int else type_


class BoundedMultiDict(ImmutableMultiDict):
    """Request parameters where ``type=int`` means a database-sized integer."""

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        """As MultiDict.get; an int outside the database range gives ``default``."""
        return super().get(key, default, _bounded(type))

    def getlist(self, key, type=None):  # noqa: A002
        """As MultiDict.getlist; ints outside the database range are left out."""
        return super().getlist(key, _bounded(type))


class BoundedCombinedMultiDict(CombinedMultiDict):
    """``request.values`` with the same rule."""

    def get(self, key, default=None, type=None):  # noqa: A002
        """As CombinedMultiDict.get; an int outside the database range gives ``default``."""
        return super().get(key, default, _bounded(type))

    def getlist(self, key, type=None):  # noqa: A002
        """As CombinedMultiDict.getlist; ints outside the database range are left out."""
        return super().getlist(key, _bounded(type))


class BoundedRequest(Request):
    """Flask's request with database-sized ``type=int`` conversion everywhere."""

    parameter_storage_class = BoundedMultiDict

    @property
    def values(self) -> CombinedMultiDict:  # type: ignore[override]
        """Query string and (except for GET) form, as Werkzeug builds them, with the bounded ``get``."""
        sources = [self.args] + ([self.form] if self.method != "GET" else [])
        return BoundedCombinedMultiDict([d if isinstance(d, MultiDict) else MultiDict(d) for d in sources])


class DbIdConverter(IntegerConverter):
    """``<int:...>`` in routes: non-negative and at most the largest database integer, else 404."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


def is_control(char: str, allowed: frozenset[str] = frozenset()) -> bool:
    """A control (Cc) or format (Cf) character that is not in ``allowed``."""
    return char not in allowed and unicodedata.category(char) in ("Cc", "Cf")


def _has_control(text: str, allowed: frozenset[str] = frozenset()) -> bool:
    return any(is_control(char, allowed) for char in text)


def hostile_input() -> str | None:
    """Where the current request carries what no form may take ("path", "query", "form"), else None.

    Path and query string: any control character. Form: a control character in a field name, a NUL
    in a value (the other control characters in a value are refused at the field by the form).
    """
    if _has_control(request.path):
        return "path"
    for key, value in request.args.items(multi=True):
        if _has_control(key) or _has_control(value):
            return "query"
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in request.form.items(multi=True):
            if _has_control(key) or "\x00" in value:
                return "form"
    return None


def refuse_control_characters():
    """before_request: 400 with a Swedish page when the request carries a control character."""
    if hostile_input() is None:
        return None
    return render_template("error.html", title=_N("Ogiltiga tecken"), message=gettext(
        "Förfrågan innehöll tecken som inte är tillåtna (till exempel styrtecken). "
        "Gå tillbaka, rätta texten och försök igen.")), 400


def safe_next(target: str | None, fallback: str) -> str:
    """The return path after login when it is a path on this site, else ``fallback``.

    Refused: anything but a path starting with one "/", a scheme or host,
    backslashes, whitespace and control characters, also when percent-encoded
    (``/%09/evil``, ``/%2F/evil``, ``/%5Cevil``), and very long values.
    """
    if not target or len(target) > MAX_NEXT_LENGTH:
        return fallback
    seen, text = [target], target
    for _ in range(3):  # the value as given and up to three decodings of it
        text = unquote(text)
        if text == seen[-1]:
            break
        seen.append(text)
    for form in seen:
        if any(is_control(c) or c.isspace() or c == "\\" for c in form):
            return fallback
        if not form.startswith("/") or form.startswith("//"):
            return fallback
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return fallback
    return target


def _N(text: str) -> str:  # noqa: N802 - marks a msgid that error.html translates
    return text


def init_app(app: Flask) -> None:
    """Install the guard: bounded request parameters and ids, and the control character check first."""
    app.request_class = BoundedRequest
    app.url_map.converters["int"] = DbIdConverter
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_control_characters)
