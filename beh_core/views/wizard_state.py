"""The standard wizard's state: the server-side draft behind the session token, and reading its forms.

The session holds only ``{catalogue: token}``; everything typed lives in the
``order_drafts`` row (services.drafts), so drafts of any size survive and a
draft turns into an order exactly once.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, session, url_for
from flask_babel import gettext

from ..catalogue import Catalogue, Choice, ChoiceGroup
from ..db import get_session
from ..labels import _N
from ..models import Forvaltning, OrderDraft, Person
from ..services import drafts
from ..services.ordering import AlreadySubmitted, LineInput, field_key
from .access import current_actor, runtime
from .forms import (CONTROL_CHARACTERS, BooleanField, InputForm, StringField, TextAreaField, TextListField,
                    TrimmedStringField, field_errors, has_control_characters, posted_names)
from .messages import message_text

FREE_TEXT_UNTICKED = _N("Bocka i rutan ovanför för att avsluta det du har skrivit, eller töm fältet.")

SESSION_KEY = "drafts"
FIELD_PREFIX = "f."


def catalogue_or_404(key: str) -> Catalogue:
    """The catalogue of the URL, when it uses the standard wizard."""
    catalogue = runtime().registry.catalogue(key)
    if catalogue is None or not catalogue.wizard:
        abort(404)
    return catalogue


def draft_for(catalogue: Catalogue) -> OrderDraft | None:
    """The logged-in user's draft of the catalogue, or None."""
    token = (session.get(SESSION_KEY) or {}).get(catalogue.key)
    return drafts.load_draft(get_session(), current_actor(), token, catalogue.key)


def start_draft(catalogue: Catalogue, person: Person, data: dict | None = None) -> OrderDraft:
    """Fortsätt: a new draft for the chosen person (an older one of this catalogue is thrown away).

    ``data`` fills it in advance (e.g. an Avslut started from Att avsluta: kind, förvaltning, lines).
    """
    drafts.discard_draft(get_session(), draft_for(catalogue))
    draft = drafts.new_draft(get_session(), current_actor(), catalogue.key,
                             {"pages": {}, **(data or {}), "person_id": person.id})
    tokens = dict(session.get(SESSION_KEY) or {})
    tokens[catalogue.key] = draft.token
    session[SESSION_KEY] = tokens
    return draft


def forget_draft(catalogue: Catalogue) -> None:
    """Drop the session's token of the catalogue."""
    tokens = dict(session.get(SESSION_KEY) or {})
    tokens.pop(catalogue.key, None)
    session[SESSION_KEY] = tokens


def open_draft(catalogue: Catalogue) -> OrderDraft:
    """The draft being worked on; without one, back to step 1; a sent one shows its order."""
    draft = draft_for(catalogue)
    if draft is None:
        abort(redirect(url_for("wizard.search", catalogue=catalogue.key)))
    if draft.order_id is not None:
        from ..models import Order

        number = get_session().get(Order, draft.order_id).number
        if request.method == "POST":
            flash(message_text(AlreadySubmitted(number).message), "info")
        abort(redirect(url_for("wizard.done", catalogue=catalogue.key, number=number)))
    return draft


def end_user(catalogue: Catalogue, data: dict) -> Person:
    """The draft's end user (back to step 1 if gone)."""
    person = get_session().get(Person, data.get("person_id") or 0)
    if person is None:
        abort(redirect(url_for("wizard.search", catalogue=catalogue.key)))
    return person


def forvaltning(catalogue: Catalogue, data: dict) -> Forvaltning | None:
    """The draft's förvaltning (L/R-style catalogues); None for catalogues ordered per vårdenhet."""
    if catalogue.delegation == "enhet":
        return None
    from .. import authz

    chosen = get_session().get(Forvaltning, data.get("forvaltning_id") or 0)
    if chosen is None or not authz.may_order_in(current_actor(), chosen.id):
        abort(redirect(url_for("wizard.behorigheter", catalogue=catalogue.key)))
    return chosen


def all_lines(catalogue: Catalogue, data: dict) -> list[LineInput]:
    """Every line of the draft, page by page, free text last on its page."""
    lines: list[LineInput] = []
    for page in catalogue.pages:
        stored = data.get("pages", {}).get(page.key, {})
        lines += [LineInput.from_dict(d) for d in stored.get("lines", [])]
        if stored.get("free_on"):
            lines.append(LineInput(None, free_text=stored.get("free_text", ""), page=page.key))
    return lines


class WizardPageForm(InputForm):
    """A page of step 2: the ticked choices' tokens, Fritext, the button; the ticked items' fields are added
    per request (:func:`read_page`), as ``f.<token>.<field>``."""

    action = TrimmedStringField()
    choose = TextListField()
    free_on = BooleanField(false_values=("",))
    free_text = TextAreaField()


def read_page(page_key: str, groups: list[ChoiceGroup]) -> tuple[dict, dict[str, str], str]:
    """(the page's ticks and fields as typed, refused fields, the button pressed).

    Everything typed is kept, even when invalid; unknown tokens and fields are kept too. Every value
    passes the input layer (control characters are refused at their field, under the key the
    operations use for it, e.g. ``labb.konto@3.avdelning``); the items' own rules are checked later.
    """
    offered = {choice.token: choice for group in groups for choice in group.choices}
    tokens = WizardPageForm().choose.data or []
    chosen = [(token, offered.get(token) or _choice_from_token(token)) for token in tokens]
    fields, keys = {}, {"choose": "lines"}
    for token, choice in chosen:
        if choice is None:
            continue
        prefix = f"{FIELD_PREFIX}{token}."
        multiline = {f.name for f in choice.item.fields if f.type == "textarea"}
        for name in posted_names(prefix):
            fields[name] = TextAreaField() if name[len(prefix):] in multiline else StringField()
            keys[name] = field_key(choice.item.key, name[len(prefix):], choice.scope_key)
    form = type("WizardPageForm", (WizardPageForm,), fields)()
    refused = {} if form.validate() else {keys.get(name, name): text for name, text in field_errors(form).items()}
    lines = []
    for token, choice in chosen:
        if choice is None:
            lines.append(LineInput("?", page=page_key).to_dict())  # refused by validation, never saved
            continue
        prefix = f"{FIELD_PREFIX}{token}."
        posted = {field.name[len(prefix):]: (field.data or "").strip() for field in form
                  if field.name.startswith(prefix)}
        declared = {f.name for f in choice.item.fields}
        lines.append(LineInput(choice.item.key, {k: v for k, v in posted.items() if k in declared},
                               choice.held_permission_id, scope_key=choice.scope_key, page=page_key,
                               unknown={k: v for k, v in posted.items() if k not in declared}).to_dict())
    typed = {"lines": lines, "free_on": bool(form.free_on.data), "free_text": form.free_text.data or ""}
    if not typed["free_on"] and typed["free_text"].strip() and form.action.data != "back":
        # Text typed in the free-text box without its box ticked would otherwise be dropped unsaid, and the
        # beställare learn at Granska that the order holds nothing (outside probe).
        refused.setdefault("free_text", gettext(FREE_TEXT_UNTICKED))
    return typed, refused, "" if "action" in refused else form.action.data


def refused_lines(data: dict) -> dict[str, str]:
    """Line values in the draft that the input layer refuses (kept there only to be shown with their message).

    Checked again before Skicka beställning, so a value refused on its page can never be sent by going
    straight to Granska: error key (as the operations name the field) -> message.
    """
    registry, refused = runtime().registry, {}
    for stored in (data.get("pages") or {}).values():
        if stored.get("free_on") and has_control_characters(stored.get("free_text") or "", multiline=True):
            refused["free_text"] = gettext(CONTROL_CHARACTERS)
        for line in stored.get("lines", []):
            item = registry.get(line.get("item_key") or "")
            multiline = {f.name for f in item.fields if f.type == "textarea"} if item else set()
            values = {**(line.get("unknown") or {}), **(line.get("values") or {})}
            for name, value in values.items():
                if isinstance(value, str) and has_control_characters(value, multiline=name in multiline):
                    refused[field_key(line.get("item_key") or "?", name, line.get("scope_key") or "")] = \
                        gettext(CONTROL_CHARACTERS)
    return refused


def _choice_from_token(token: str) -> Choice | None:
    """A posted token that is not on the page (a forged or stale form): rebuilt so validation can refuse it."""
    item_key, scope_key, held = Choice.parse_token(token)
    item = runtime().registry.get(item_key)
    if item is None:
        return None
    return Choice(item, scope_key, held)
