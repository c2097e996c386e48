"""Template globals every page may use: the language switch URL, a line's labelled values, kept fragments."""
from __future__ import annotations

import re
from typing import Callable

from flask import Flask, current_app, g, has_app_context, has_request_context, request, url_for
from flask_babel import get_locale, get_translations
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

FRAGMENTS_KEY = "beh_fragments"
FRAGMENTS_MAX = 512  # keys come from templates (a list's mode, a menu's rights): a bound, never reached
CSRF_SLOT = "<!--beh:csrf-->"

from ..input_guard import safe_next
from .access import runtime


def language_url(locale: str) -> str:
    """The current page in another language (its path and query kept, ``lang`` replaced)."""
    # A hostile return path (next=//evil.example) is never repeated in a link of the page.
    args = {k: v for k, v in request.args.items(multi=False)
            if k != "lang" and (k != "next" or safe_next(v, "") == v)}
    if request.endpoint and request.endpoint != "static" and request.method == "GET":
        try:
            return url_for(request.endpoint, **(request.view_args or {}), **args, lang=locale)
        except Exception:  # noqa: BLE001 - an odd endpoint must never break the page; fall back to the query
            pass
    return f"?lang={locale}"


# URLs of endpoints without values (the layout's and menu's links) and of static files, per app and script
# root: the same on every request, while ``url_for`` builds each anew (some 20 µs apiece, a dozen per page).
KEPT_URLS_KEY = "beh_kept_urls"
KEPT_URLS_MAX = 1024  # endpoints and static files are few; a bound that is never reached


def kept_url_for(endpoint: str, **values) -> str:
    """``url_for`` in templates: a URL with no values but a static file's name is built once per app."""
    if endpoint.startswith(".") or (values and (endpoint != "static" or list(values) != ["filename"])) \
            or not has_request_context():  # a mail rendered by a job builds its URLs from the configuration
        return url_for(endpoint, **values)
    kept = current_app.extensions.setdefault(KEPT_URLS_KEY, {})
    key = (request.script_root, endpoint, values.get("filename"))
    url = kept.get(key)
    if url is None:
        if len(kept) >= KEPT_URLS_MAX:
            kept.clear()
        url = kept[key] = url_for(endpoint, **values)
    return url


def link_base(endpoint: str, **last) -> str:
    """The link of ``endpoint`` without its last part, the one value given (``number='_'``; ``0`` for an
    integer): a list writes ``{{ base }}{{ row.number }}`` per row, one ``url_for`` per page instead of one
    per row. The value must be the end of the URL (a route whose id stands last)."""
    [(name, value)] = last.items()
    url, end = url_for(endpoint, **{name: value}), str(value)
    if not url.endswith("/" + end):
        raise ValueError(f"{endpoint}: {name} is not the last part of {url}")
    return url[:-len(end)]


def labelled(item_key: str | None, values: dict | None) -> list[tuple[str, str]]:
    """(label, value) of filled-in field values of a catalogue item, labelled as the item's plugin names them.

    A field of an item that no plugin offers any more keeps its stored name, capitalised.
    """
    item = runtime().registry.get(item_key) if item_key else None
    labels = {field.name: field.label for field in (item.fields if item else ())}
    return [(labels.get(name, name.capitalize()), value) for name, value in (values or {}).items() if value]


def line_fields(line) -> list[tuple[str, str]]:
    """(label, value) of an order line's filled-in fields ("Datornamn", not the raw key "dator"), as ordered."""
    if getattr(line, "shown", None):
        return [(label, value) for label, value in line.shown if value]
    return labelled(line.item_key, line.values)


def csrf_field() -> Markup:
    """The hidden CSRF field of a form, with this session's token."""
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % escape(generate_csrf())


def fragment(key: tuple, render: Callable[[Markup], object]) -> Markup:
    """A part of a page that is the same for everyone given ``key`` and the page language, rendered once
    per app and kept (the left menu, Sökalternativ without a search): most of a list page's rendering
    otherwise goes into markup that never changes.

    ``render(csrf)`` renders the part with ``csrf`` where a form's CSRF field goes; the request's own
    token is put there each time, so no token is ever kept or shown to another user. Everything else in
    the part must follow from ``key``.
    """
    cache = current_app.extensions.setdefault(FRAGMENTS_KEY, {})
    full_key = (str(get_locale() or "sv"), *key)
    html = cache.get(full_key)
    if html is None:
        if len(cache) >= FRAGMENTS_MAX:
            cache.clear()
        html = cache[full_key] = str(render(Markup(CSRF_SLOT)))
    return Markup(html.replace(CSRF_SLOT, csrf_field()) if CSRF_SLOT in html else html)


# Marks in a kept form (private-use characters: never escaped, never in a label or an option).
_VALUE, _OPEN, _CLOSE = "\ue000", "\ue001", "\ue002"
_NO_MARKS = str.maketrans("", "", _VALUE + _OPEN + _CLOSE)
_EMPTY_FIELDS = re.compile(f"{_VALUE}[^{_VALUE}]*{_VALUE}")  # the fields nobody searched


def _value_slot(name: str) -> Markup:
    return Markup(f"{_VALUE}{name}{_VALUE}")


def _section_slot(name: str, html) -> Markup:
    return Markup(f"{_OPEN}{name}{_OPEN}") + html + Markup(f"{_CLOSE}{name}{_CLOSE}")


def _select_option(html: str, name: str, value: str) -> str:
    """Mark ``value`` selected in the select named ``name`` (as the select macro renders a chosen option)."""
    start = html.find(f'name="{name}"')
    end = html.find("</select>", start)
    if start < 0 or end < 0 or not value:
        return html
    option = f'<option value="{escape(value)}" >'
    at = html.find(option, start, end)
    if at < 0:
        return html  # a value the list does not offer: nothing chosen, as the macro would show it
    return html[:at] + f'<option value="{escape(value)}" selected>' + html[at + len(option):]


def filled_form(key: tuple, render: Callable, values: dict[str, str], selects: tuple[str, ...],
                shown: dict[str, bool]) -> Markup:
    """A search form kept like ``fragment`` and filled in for this request: Sökalternativ with a search.

    ``render(csrf, value, section)`` renders the form once with marks: ``value(name)`` where a field's
    value goes, ``section(name, html)`` around a part shown only sometimes (the Rensa link, ``open``).
    Each request puts in what was searched (``values``: escaped into the fields, or the chosen option of
    the ``selects``; a field not searched is left empty) and keeps the sections whose ``shown`` is true.
    Rendering the form's fields and option lists was the largest part of a searched list's page; a form
    with errors is rendered in full.
    """
    html = str(fragment(key, lambda csrf: render(csrf, _value_slot, _section_slot)))
    for name, value in values.items():
        value = (value or "").translate(_NO_MARKS)  # a typed mark would be taken for the form's own
        if name in selects:
            html = _select_option(html, name, value)
        else:
            html = html.replace(f"{_VALUE}{name}{_VALUE}", str(escape(value)))
    html = _EMPTY_FIELDS.sub("", html)
    for name, keep in shown.items():
        opened, closed = f"{_OPEN}{name}{_OPEN}", f"{_CLOSE}{name}{_CLOSE}"
        start, end = html.find(opened), html.find(closed)
        if start < 0 or end < 0:
            continue
        inner = html[start + len(opened):end] if keep else ""
        html = html[:start] + inner + html[end + len(closed):]
    return Markup(html)


def shown_values(values: Callable[[str], str], shown: dict[str, bool]):
    """The ``value`` and ``section`` of ``filled_form``'s render for a form rendered in full (with errors)."""
    return values, lambda name, html: html if shown.get(name) else ""


def page_translations():
    """The request's translations, looked up once per request (a list page asks for ~50 texts)."""
    if not has_app_context():
        return get_translations()
    found = g.get("_beh_translations")
    if found is None:
        found = g._beh_translations = get_translations()
    return found


def init_app(app: Flask) -> None:
    """Make the helpers template globals; templates translate through the request's cached translations."""
    app.jinja_env.globals.update(language_url=language_url, line_fields=line_fields, labelled=labelled,
                                 link_base=link_base, url_for=kept_url_for,
                                 fragment=fragment, csrf_field=csrf_field, filled_form=filled_form,
                                 shown_values=shown_values)
    app.jinja_env.install_gettext_callables(lambda text: page_translations().ugettext(text),
                                            lambda one, many, n: page_translations().ungettext(one, many, n),
                                            newstyle=True)
    # Jinja's ``_`` reaches the translation through three context calls (``_`` -> ``gettext`` -> the
    # callable); a list page translates some 25 to 60 texts, so ``_``, ``gettext`` and ``ngettext`` are
    # replaced by functions that do the same in one call (docs/performance.md).
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, string: str, **variables) -> str:
    """``_('…')`` and ``gettext`` in a template: Jinja's newstyle gettext in one call.

    As Jinja's own: the text is marked safe where the template autoescapes (values put in with ``%`` are
    then escaped) and is always a format string (a literal ``%`` is written ``%%``).
    """
    text = page_translations().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)
    # Formatting a Markup costs more than the lookup: a text without "%" formats to itself.
    return text % variables if variables or "%" in text else text


@pass_eval_context
def template_ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables) -> str:
    """``ngettext`` in a template: Jinja's newstyle ngettext in one call (``num`` is a value too)."""
    variables.setdefault("num", num)
    text = page_translations().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables
