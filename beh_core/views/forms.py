"""The one input layer for forms (issue 8): every form a view reads is a WTForms form.

What every form gets from :class:`InputForm`:

* every text value is checked for control characters (Unicode Cc and Cf;
  text areas may hold tab and line breaks) and refused *at the field* with a
  Swedish message, the typed text kept for the page to show again;
* ids (:class:`IdField`, :class:`IdListField`) must be whole numbers that a
  database integer column can hold, else the field says so;
* dates (:class:`DateField`) are ÅÅÅÅ-MM-DD or the field says so;
* the built-in WTForms messages are Swedish (Flask-WTF picks WTForms' own
  ``sv`` catalogue from the page language).

CSRF is not checked here: ``CSRFProtect`` checks every POST before any view
runs, so a form never sees a forged request. ``beh_core.input_guard`` stays in
front of everything for what no form may ever carry (NUL bytes, control
characters in the path, the query string or a field name).

Views use a form in three lines: build it from ``request.form`` (POST) or
``request.args`` (GET, :func:`from_query`), ``validate()``, then read
``form.data``; templates get :func:`field_errors` (field name → first
message), the shape the pages already render at each field.
"""
from __future__ import annotations

from datetime import date

from babel import support
from flask import request
from flask_babel import gettext, get_locale
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, IntegerField, StringField, TextAreaField
from wtforms.i18n import messages_path
from wtforms.validators import StopValidation, ValidationError

from ..iso_dates import parse_date
from ..input_guard import DB_INT_MAX, FORM_WHITESPACE, db_int, is_control
from ..labels import _N
from ..services.paging import PageRequest

__all__ = ["BooleanField", "DateField", "field_errors", "from_query", "has_control_characters", "IdField",
           "IdListField", "InputForm", "MaxLength", "NoControlCharacters", "page_number", "page_request",
           "PageNumberField", "posted_names", "runtime_form", "StringField", "TextAreaField", "TextListField",
           "SEARCH_TEXT_MAX", "TrimmedStringField", "valid_data"]

CONTROL_CHARACTERS = _N("Texten innehåller tecken som inte är tillåtna (till exempel styrtecken). "
                        "Ta bort dem och försök igen.")
NOT_AN_ID = _N("Ogiltigt val. Välj i listan.")
NOT_A_DATE = _N("Ange datum som ÅÅÅÅ-MM-DD.")
TOO_LONG = _N("Texten får vara högst %(max)s tecken.")
# A search text that a redirect puts into the address (a name, VGR-ID, HSA-id, personnummer, a system): longer
# texts are refused at the field, before the address could grow past what the server accepts.
SEARCH_TEXT_MAX = 100


def has_control_characters(text: str, multiline: bool = False) -> bool:
    """True when ``text`` holds a control or format character (text areas may hold tab and line breaks)."""
    allowed = FORM_WHITESPACE if multiline else frozenset()
    return any(is_control(char, allowed) for char in text)


class NoControlCharacters:
    """Validator: refuse control characters; InputForm adds it to every text field by itself."""

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, form, field) -> None:
        # What was sent, not the parsed data: stripping would hide a trailing control character.
        values = field.raw_data or []
        if any(isinstance(v, str) and has_control_characters(v, self.multiline) for v in values):
            raise StopValidation(gettext(CONTROL_CHARACTERS))


class MaxLength:
    """Validator: at most ``maximum`` characters, with the Swedish message."""

    def __init__(self, maximum: int) -> None:
        self.maximum = maximum

    def __call__(self, form, field) -> None:
        if field.data and len(field.data) > self.maximum:
            raise ValidationError(gettext(TOO_LONG, max=self.maximum))


class TrimmedStringField(StringField):
    """A one-line text: surrounding spaces removed, empty is ``""`` (never None)."""

    def process_data(self, value) -> None:
        """No value (a POST without any fields) is "" too."""
        self.data = "" if value is None else value

    def process_formdata(self, valuelist) -> None:
        """Take the first value, stripped."""
        self.data = valuelist[0].strip() if valuelist else ""


class IdField(IntegerField):
    """An id chosen in a list: empty is None; anything but a database-sized positive integer is refused."""

    def process_formdata(self, valuelist) -> None:
        """Parse with the database's integer range; keep what was sent in ``raw_data`` for the page."""
        self.data = None
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            return
        try:
            number = db_int(text)
        except ValueError:
            raise ValueError(gettext(NOT_AN_ID)) from None
        if number < 1:
            raise ValueError(gettext(NOT_AN_ID))
        self.data = number


class IdListField(Field):
    """Several ids (checkboxes with one name): every value must be a database-sized positive integer."""

    def process_formdata(self, valuelist) -> None:
        """All values as ints, without duplicates, in the order sent; one bad value refuses the field."""
        seen: dict[int, None] = {}
        for text in valuelist:
            text = text.strip()
            if not text:
                continue
            try:
                number = db_int(text)
            except ValueError:
                raise ValueError(gettext(NOT_AN_ID)) from None
            if not 1 <= number <= DB_INT_MAX:
                raise ValueError(gettext(NOT_AN_ID))
            seen[number] = None
        self.data = list(seen)

    def _value(self) -> str:
        return ""


class PageNumberField(IntegerField):
    """``sida`` of a list (a link, never typed): a database-sized integer, anything else is page 1, never an error."""

    def process_formdata(self, valuelist) -> None:
        """Parse with the database's integer range; unreadable is the first page."""
        try:
            self.data = db_int(valuelist[0]) if valuelist and valuelist[0].strip() else 1
        except ValueError:
            self.data = 1


class TextListField(Field):
    """Several texts with one name (e.g. the tokens of ticked boxes): every value as sent, in order."""

    def process_formdata(self, valuelist) -> None:
        """All values as sent; each is checked for control characters like any text."""
        self.data = list(valuelist)

    def _value(self) -> str:
        return ""


class DateField(StringField):
    """A date typed as ÅÅÅÅ-MM-DD: empty is None, anything else unreadable is refused at the field."""

    def process_formdata(self, valuelist) -> None:
        """Parse ISO dates; ``raw_data`` keeps the text for the page."""
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not text:
            return
        self.data = parse_date(text)
        if self.data is None:
            raise ValueError(gettext(NOT_A_DATE))

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if isinstance(self.data, date) else ""


_WTFORMS_CATALOGUES: dict[str, support.Translations] = {}


def wtforms_translations(locale: str) -> support.Translations:
    """WTForms' catalogue for ``locale``, read from disk once per process (it never changes while running)."""
    catalogue = _WTFORMS_CATALOGUES.get(locale)
    if catalogue is None:
        catalogue = _WTFORMS_CATALOGUES[locale] = support.Translations.load(messages_path(), [locale],
                                                                            domain="wtforms")
    return catalogue


class InputForm(FlaskForm):
    """Base of every form: control characters refused in every text field, CSRF left to CSRFProtect."""

    class Meta:
        csrf = False  # CSRFProtect has checked the token of every POST before the view runs

        def get_translations(self, form):
            """WTForms' own messages in the page language (Flask-WTF would read the catalogue on every request)."""
            return wtforms_translations(str(get_locale() or "sv"))

    def validate(self, extra_validators=None) -> bool:
        """The fields' own validators, after a control-character check on every field that carries text."""
        extra = {name: list(validators) for name, validators in (extra_validators or {}).items()}
        for field in self:
            extra.setdefault(field.name, []).insert(0, NoControlCharacters(
                multiline=isinstance(field, TextAreaField)))
        return super().validate(extra_validators=extra)

    def raw_text(self) -> dict[str, str]:
        """What the user typed in each field (first value), for a page shown again after an error."""
        return {field.name: (field.raw_data[0] if field.raw_data else "") for field in self}


def runtime_form(fields: dict, formdata=None) -> InputForm:
    """A form whose fields are known only when the request comes (a plugin's fields, one line's feedback).

    ``fields`` maps the posted name (dots allowed, e.g. ``line7.login``) to an unbound field such as
    ``TextAreaField()``; the form is read from ``formdata`` or, as any form, from the request.
    """
    form_class = type("RuntimeForm", (InputForm,), dict(fields))
    return form_class() if formdata is None else form_class(formdata=formdata)


def posted_names(prefix: str) -> list[str]:
    """The names of the posted fields that start with ``prefix`` (for :func:`runtime_form`), in the order sent."""
    return [name for name in request.form if name.startswith(prefix)]


def from_query(form_class: type[InputForm], **kwargs) -> InputForm:
    """A form read from the query string (GET search and filter forms)."""
    return form_class(formdata=request.args, **kwargs)


PAGING_ARGS = ("sida", "efter", "fore")


class PagingForm(InputForm):
    """The paging links of a list: sida=N or sida=sista, efter/fore=<cursor> (keyset pages)."""

    sida = TrimmedStringField()
    efter = TrimmedStringField()
    fore = TrimmedStringField()


class PageNumberForm(InputForm):
    """The paging links of a short list: sida=N."""

    sida = PageNumberField()


def page_request() -> PageRequest:
    """The keyset page asked for in the query string (text with control characters counts as not given)."""
    if not any(name in request.args for name in PAGING_ARGS):  # the first page, as most requests ask
        return PageRequest()
    form = from_query(PagingForm)
    form.validate()
    values = {name: ("" if name in form.errors else value) for name, value in form.data.items()}
    return PageRequest.parse(values["sida"], values["efter"], values["fore"])


def page_number() -> int:
    """The OFFSET page asked for in the query string (``sida``), 1 when not given or unreadable."""
    form = from_query(PageNumberForm)
    return form.sida.data if form.validate() and form.sida.data else 1


def valid_data(form: InputForm) -> dict:
    """``form.data`` with a refused field as not given: None for an id (list), "" for a text.

    For filters and choices that may fall back to a default; call after ``validate()``.
    """
    return {name: (None if isinstance(form[name], (IdField, IdListField, IntegerField)) else "")
            if name in form.errors else value for name, value in form.data.items()}


def field_errors(form: InputForm) -> dict[str, str]:
    """Field name → its first message, the shape the templates show beside each field."""
    return {name: str(messages[0]) for name, messages in form.errors.items() if messages}
