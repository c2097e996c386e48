"""Translation in templates: ``_``, ``gettext`` and ``ngettext`` are the portal's one-call functions, and they
answer exactly as Jinja's own newstyle gettext does (escaping, ``%`` values, plural, page language)."""
from __future__ import annotations

from flask import render_template_string
from jinja2.ext import _gettext_alias, _make_new_gettext, _make_new_ngettext

from beh_core.views.template_helpers import page_translations, template_gettext, template_ngettext

TEMPLATE = """{{ _('Mina beställningar') }}|{{ _('Sök') }}|{{ _('Inloggad som %(name)s', name=name) }}|\
{{ gettext('Ta bort %(count)s delegeringar?', count=n) }}|\
{{ ngettext('%(num)s delegering är förlängd till %(date)s.', '%(num)s delegeringar är förlängda till %(date)s.', n, date='2026-12-31') }}|\
{{ _('100 %% klart') }}"""

HOSTILE = '<script>alert("x")</script> & Co'


def _render_both(app, source: str, **values) -> tuple[str, str]:
    """The source rendered with the portal's functions and with Jinja's newstyle ones, in the current request."""
    env = app.jinja_env
    ours = {name: env.globals[name] for name in ("_", "gettext", "ngettext")}
    jinjas = {"_": _gettext_alias, "gettext": _make_new_gettext(lambda text: page_translations().ugettext(text)),
              "ngettext": _make_new_ngettext(lambda one, many, n: page_translations().ungettext(one, many, n))}
    template = env.from_string(source)
    try:
        env.globals.update(jinjas)
        expected = template.render(**values)
    finally:
        env.globals.update(ours)
    return template.render(**values), expected


def test_mallarnas_översättning_är_portalens_egen_funktion(app):
    assert app.jinja_env.globals["_"] is template_gettext
    assert app.jinja_env.globals["gettext"] is template_gettext
    assert app.jinja_env.globals["ngettext"] is template_ngettext


def test_svenska_sidor_översätts_och_escapas_som_med_jinjas_gettext(app):
    for n in (1, 3):
        with app.test_request_context("/"):
            ours, jinjas = _render_both(app, TEMPLATE, name=HOSTILE, n=n)
        assert ours == jinjas
        assert "&lt;script&gt;" in ours and "<script>" not in ours, "a value put into a text is escaped"
        assert "100 % klart" in ours
    with app.test_request_context("/"):
        assert "1 delegering är förlängd till 2026-12-31." in _render_both(app, TEMPLATE, name="", n=1)[0]


def test_engelska_sidor_översätts_som_med_jinjas_gettext(app):
    with app.test_request_context("/?lang=en"):
        ours, jinjas = _render_both(app, TEMPLATE, name=HOSTILE, n=2)
    assert ours == jinjas
    assert ours.startswith("My orders|Search|")
    assert "2 delegations extended to 2026-12-31." in ours


def test_utan_autoescape_blir_texten_som_den_är(app):
    """Mail bodies (.txt) are not autoescaped: a value stays as it was typed, as with Jinja's own gettext."""
    source = "{% autoescape false %}" + TEMPLATE + "{% endautoescape %}"
    with app.test_request_context("/"):
        ours, jinjas = _render_both(app, source, name=HOSTILE, n=2)
    assert ours == jinjas
    assert HOSTILE in ours


def test_en_sida_med_översatta_texter_ritas_som_förut(app):
    with app.test_request_context("/"):
        page = render_template_string("<p>{{ _('Sök') }} {{ _('Inloggad som %(name)s', name='<b>') }}</p>")
    assert page == "<p>Sök Inloggad som &lt;b&gt;</p>"
