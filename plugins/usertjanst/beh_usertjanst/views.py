"""The pages of Hantera användartjänst (manual 004), built from the core's building blocks.

Välj identitet > Välj kostnadsställe > Specificera detaljer > Sök och välj (with Dina val) >
Skicka. Every POST saves the server-side draft and answers with a redirect (Post/Redirect/Get);
a step's errors are kept in the draft and shown at the fields, with what was typed. Nothing is
ordered until Skicka, which ``create_orders`` checks again in full. Every page has the route
rule ``order`` for this catalogue (the URL's default ``catalogue``).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext

from beh_core.api import (FORANDRING, NYUPPLAGG, Conflict, Forbidden, IdField, InputForm, TextListField,
                          TrimmedStringField, ValidationFailed, create_orders, current_actor, directory,
                          draft_discard, draft_sent, field_errors, find_person, from_query, mask_personnummer_text,
                          may_order_for, message_text, person_search, requires, runtime_form, suggest_persons, valid_data)

from . import flow, rules
from .rules import _N

SEARCH_LIMIT = 25
DONE_KEY = "usertjanst_klar"
STEP_NAMES = (_N("1. Välj identitet"), _N("2. Välj kostnadsställe"), _N("3. Specificera detaljer"),
              _N("4. Sök och välj"))


class IdentityForm(InputForm):
    """Välj identitet: the search text, a ticked hit (without JavaScript) or the chosen suggestion, the button."""

    action = TrimmedStringField()
    q = TrimmedStringField()
    traff = IdField()
    person_id = IdField()


class CostsForm(InputForm):
    """Välj kostnadsställe: Kostnadsställe, Frikod 1, Frikod 2 and the button (Sök, Välj, Använd, Fortsätt)."""

    action = TrimmedStringField()
    kostnadsstalle = TrimmedStringField()
    frikod1 = TrimmedStringField()
    frikod2 = TrimmedStringField()


class ChooseForm(InputForm):
    """Sök och välj: the search text and Förfin (query string, and posted back with Lägg till / Ta bort)."""

    action = TrimmedStringField()
    sok = TrimmedStringField()
    forfin = TextListField()


def _action(form: InputForm, default: str) -> str:
    """The button pressed; none sent is ``default`` (Enter in a field), a refused one is none."""
    if not form.action.raw_data:
        return default
    return valid_data(form)["action"]


def _refused(form: InputForm) -> dict:
    """The text fields refused by the input layer, as the draft keeps errors: {name: (message, {})}.

    A refused button or id counts as not sent, as an unreadable one always did.
    """
    return {name: (text, {}) for name, text in field_errors(form).items()
            if name != "action" and not isinstance(form[name], IdField)}


def make_blueprint(data: rules.Data) -> Blueprint:
    """The flow's blueprint for the levels, reasons and presets of the data file."""
    bp = Blueprint("usertjanst", __name__, url_prefix="/anvandartjanst", template_folder="templates")
    here = {"catalogue": rules.CATALOGUE}

    def page(template: str, step: int, draft: dict, **context):
        person = directory().person(draft.get("person_id")) if draft.get("person_id") else None
        return render_template(f"usertjanst/{template}", step=step, step_names=[gettext(n) for n in STEP_NAMES],
                               draft=draft, person=person, data=data, catalogue=rules.CATALOGUE, **context)

    def need_person(draft: dict):
        """The steps after Välj identitet need a chosen person and order kind."""
        if not draft.get("person_id") or draft.get("kind") not in (NYUPPLAGG, FORANDRING):
            abort(redirect(url_for("usertjanst.start")))

    # --- 1. Välj identitet ----------------------------------------------------------------

    @bp.get("/", defaults=here)
    @requires("order")
    def start(catalogue: str):
        """Välj identitet: type the start of a VGR-ID, name, HSA-ID or personnummer; suggestions appear."""
        draft = flow.load()
        errors, typed = flow.take_errors(draft, "identitet")
        found = suggest_persons(rules.CATALOGUE, draft["search"], limit=SEARCH_LIMIT) if draft.get("search") else None
        chosen = directory().person(draft.get("person_id")) if draft.get("person_id") else None
        held = rules.held_service(directory(), chosen.id) if chosen else None
        # Back from a later step: the chosen identity is in the field, Fortsätt goes on with it.
        query = (typed or {}).get("q", draft.get("search") or (chosen.display if chosen else ""))
        keep = chosen.id if chosen and not typed and not draft.get("search") else ""
        return page("identitet.html", 1, draft, errors=errors, q=query, found=found, chosen=chosen, held=held,
                    keep=keep, held_level=data.level(held.details.get(rules.LEVEL_FIELD)) if held else None)

    @person_search  # Sök counts toward the user's search budget, as the core's person searches do
    @bp.post("/", defaults=here)
    @requires("order")
    def start_post(catalogue: str):
        """Sök, Fortsätt (a chosen suggestion or the only match), Byt nivå, Ångra."""
        form = IdentityForm()
        form.validate()
        action = _action(form, "fortsatt")
        draft = flow.load()
        if action == "angra":
            draft_discard(rules.CATALOGUE)
            return redirect(url_for("start.index"))
        if action == "forandring" and draft.get("person_id") and draft.get("held_id"):
            draft["kind"] = FORANDRING
            flow.save(draft)
            return redirect(url_for("usertjanst.costs"))
        if action == "annan":
            flow.save({})
            return redirect(url_for("usertjanst.start"))
        query = form.q.data
        if _refused(form):  # told at the field with the typed text; nothing is searched
            flow.set_errors(draft, "identitet", _refused(form), {"q": mask_personnummer_text(query)})
            flow.save(draft)
            return redirect(url_for("usertjanst.start"))
        chosen = _chosen(form, query)
        if not chosen and action == "fortsatt":
            matches = suggest_persons(rules.CATALOGUE, query, limit=2) if query else []
            chosen = matches[0].id if len(matches) == 1 else None
        if chosen:
            return _choose(draft, chosen)
        if not query:
            flow.set_errors(draft, "identitet", {"q": (_N("Skriv början av eller hela VGR-ID, namn, HSA-id "
                                                            "eller personnummer."), {})}, {"q": query})
        elif not (hits := suggest_persons(rules.CATALOGUE, query, limit=2)):
            # What was typed comes back in the field through the draft: a personnummer in it, masked.
            flow.set_errors(draft, "identitet", {"q": _nobody(query)}, {"q": mask_personnummer_text(query)})
            draft.pop("search", None)
        elif mask_personnummer_text(query) != query:
            # A personnummer is never kept in the draft: the person it names is searched by VGR-ID instead.
            draft["search"] = hits[0].vgr_id if len(hits) == 1 else mask_personnummer_text(query)
        else:
            draft["search"] = query
        flow.save(draft)
        return redirect(url_for("usertjanst.start"))

    def _chosen(form: IdentityForm, query: str) -> int | None:
        """A ticked search hit (without JavaScript), else the suggestion chosen for what the field still shows."""
        hit, suggested = form.traff.data, form.person_id.data
        if hit:
            return hit
        if suggested:
            person = directory().person(suggested)
            # Typed over without JavaScript (the hidden choice stayed): search for the new text instead.
            if person is not None and query in ("", person.display):
                return suggested
        return None

    def _choose(draft: dict, person_id: int):
        person = directory().person(person_id)
        if person is None or not may_order_for(rules.CATALOGUE, person_id):
            flow.set_errors(draft, "identitet", {"q": (_N("Du kan inte beställa användartjänst för den personen. "
                                                            "Hen har inget engagemang inom dina delegeringar."), {})})
            flow.save(draft)
            return redirect(url_for("usertjanst.start"))
        pending = rules.pending_order(directory(), person_id)
        if pending:
            flow.set_errors(draft, "identitet", {"q": (
                _N("Det finns redan en beställning av användartjänst för %(name)s som inte är klar (%(number)s)."),
                {"name": person.display, "number": pending})})
            flow.save(draft)
            return redirect(url_for("usertjanst.start"))
        held = rules.held_service(directory(), person_id)
        if held is not None and held.valid_from > current_actor().today:
            level = data.level(held.details.get(rules.LEVEL_FIELD))
            flow.set_errors(draft, "identitet", {"q": (
                _N("%(name)s har redan %(level)s från %(date)s. Nivån kan bytas när den har börjat gälla."),
                {"name": person.display, "level": level.name if level else "", "date": held.valid_from.isoformat()})})
            flow.save(draft)
            return redirect(url_for("usertjanst.start"))
        same = draft.get("person_id") == person_id
        fresh = {"person_id": person_id, "held_id": held.id if held else None,
                 # someone who already has it: say so first and offer Byt nivå (Förändring), never a second one
                 "kind": None if held else NYUPPLAGG}
        if same:  # the same person again: keep what was filled in
            fresh.update({k: draft[k] for k in ("kostnad", "detaljer", "niva", "klart") if k in draft})
        flow.save(fresh)
        return redirect(url_for("usertjanst.start") if held else url_for("usertjanst.costs"))

    def _nobody(query: str):
        """Why nobody was found: the exact VGR-ID or HSA-id of someone the beställare may not order for, or
        nothing at all. A personnummer of someone outside the delegations is "nobody" too: naming them would
        tell anyone whose a personnummer is (VGR-ID and HSA-id name a person on every page anyway)."""
        person = None
        for field in ("vgr_id", "hsa_id"):
            try:
                person = find_person(field, query)
                break
            except ValidationFailed:
                continue
        if person is None:
            return (_N("Ingen person som du kan beställa för hittades. Kontrollera det du skrev eller sök på "
                       "något annat."), {})
        if not any(e.end_date is None or e.end_date >= current_actor().today
                   for e in directory().engagements(person.id)):
            return (_N("%(name)s har inget aktivt eller kommande engagemang i KiV och kan inte få en "
                       "användartjänst."), {"name": person.display})
        return (_N("%(name)s har inget engagemang inom dina delegeringar. Beställningen görs av en beställare "
                   "där hen är anställd."), {"name": person.display})

    # --- 2. Välj kostnadsställe ------------------------------------------------------------

    @bp.get("/kostnadsstalle", defaults=here)
    @requires("order")
    def costs(catalogue: str):
        """The primary engagement and its main kostnadsställe prefilled; frikoder; presets."""
        draft = flow.load()
        need_person(draft)
        errors, typed = flow.take_errors(draft, "kostnad")
        contexts = flow.contexts_for(draft)
        primary = contexts[0] if contexts else None
        values = {**flow.EMPTY_COSTS, "kostnadsstalle": (primary.kostnadsstalle or "") if primary else ""}
        values.update(draft.get("kostnad") or {})
        values.update(typed or {})
        found = directory().kostnadsstalle(values["kostnadsstalle"]) if values["kostnadsstalle"] else None
        matches = directory().search_kostnadsstallen(draft["kostnad_sok"]) if draft.get("kostnad_sok") else None
        people = directory().persons([k.ansvarig_id for k in (matches or []) if k.ansvarig_id]
                                     + ([found.ansvarig_id] if found and found.ansvarig_id else []))
        presets = [(preset, _preset_problem(preset, draft)) for preset in data.presets]
        return page("kostnadsstalle.html", 2, draft, errors=errors, values=values, primary=primary, found=found,
                    matches=matches, people=people, presets=presets, sok=draft.get("kostnad_sok", ""))

    def _preset_problem(preset: rules.Preset, draft: dict):
        found = directory().kostnadsstalle(preset.kostnadsstalle)
        if found is None:
            return _N("Inte tillgängligt: kostnadsställe %(code)s finns inte i KiV."), {"code": preset.kostnadsstalle}
        return rules.responsible_problem(found, current_actor().id, draft["person_id"])

    @bp.post("/kostnadsstalle", defaults=here)
    @requires("order")
    def costs_post(catalogue: str):
        """Fortsätt, Föregående, Sök kostnadsställe, Välj (a search hit), Använd (a preset)."""
        draft = flow.load()
        need_person(draft)
        form = CostsForm()
        form.validate()
        action = _action(form, "fortsatt")
        typed = {name: form[name].data for name in ("kostnadsstalle", "frikod1", "frikod2")}
        typed["preset"] = (draft.get("kostnad") or {}).get("preset", "")
        if action.startswith("forval:"):
            preset = data.preset(action.split(":", 1)[1])
            if preset is None or _preset_problem(preset, draft):
                abort(400)
            draft["kostnad"] = {"kostnadsstalle": preset.kostnadsstalle, "frikod1": preset.frikod1,
                                "frikod2": preset.frikod2, "preset": preset.key}
            draft.pop("kostnad_sok", None)
            flow.save(draft)
            flash(gettext("Förvalet %(name)s är ifyllt.", name=preset.name), "info")
            return redirect(url_for("usertjanst.costs"))
        if _refused(form):  # told at the field with the typed text; nothing is searched or kept
            flow.set_errors(draft, "kostnad", _refused(form), typed)
            flow.mark(draft, "kostnad", False)
            flow.save(draft)
            return redirect(url_for("usertjanst.costs"))
        if action.startswith("valj:"):
            typed["kostnadsstalle"] = action.split(":", 1)[1]
            action = "valj"
        if typed["kostnadsstalle"] != (draft.get("kostnad") or {}).get("kostnadsstalle"):
            typed["preset"] = ""  # another kostnadsställe than the preset's
        draft["kostnad"] = typed
        if action == "sok":
            draft["kostnad_sok"] = form.kostnadsstalle.data
            flow.save(draft)
            return redirect(url_for("usertjanst.costs") + "#kostnadsstallen")
        draft.pop("kostnad_sok", None)
        if action in ("tillbaka", "valj"):
            flow.save(draft)
            return redirect(url_for("usertjanst.start") if action == "tillbaka" else url_for("usertjanst.costs"))
        errors = {}
        problem = rules.kostnadsstalle_problem(directory(), typed["kostnadsstalle"], current_actor().id,
                                               draft["person_id"])
        if problem:
            errors["kostnadsstalle"] = problem
        for name, label in (("frikod1", "Frikod 1"), ("frikod2", "Frikod 2")):
            problem = rules.frikod_problem(gettext(label), typed[name])
            if problem:
                errors[name] = problem
        if errors:
            flow.set_errors(draft, "kostnad", errors, typed)
            flow.mark(draft, "kostnad", False)
            flow.save(draft)
            return redirect(url_for("usertjanst.costs"))
        flow.mark(draft, "kostnad", True)
        flow.save(draft)
        return redirect(url_for("usertjanst.details"))

    # --- 3. Specificera detaljer ----------------------------------------------------------

    @bp.get("/detaljer", defaults=here)
    @requires("order")
    def details(catalogue: str):
        """Specificera en orsak *, Verksamhetskontext *, Startdatum, Slutdatum."""
        draft = flow.load()
        need_person(draft)
        if not flow.passed(draft, "kostnad"):
            return redirect(url_for("usertjanst.costs"))
        errors, typed = flow.take_errors(draft, "detaljer")
        contexts = flow.contexts_for(draft)
        values = {**flow.EMPTY_DETAILS, **(draft.get("detaljer") or {}), **(typed or {})}
        chosen = flow.chosen_context({**draft, "detaljer": values}, contexts)
        today = current_actor().today
        return page("detaljer.html", 3, draft, errors=errors, values=values, contexts=contexts, chosen=chosen,
                    today=today, defaults={e.id: rules.default_dates(e, today) for e in contexts},
                    label=lambda e: rules.context_label(e, today, gettext))

    @bp.post("/detaljer", defaults=here)
    @requires("order")
    def details_post(catalogue: str):
        """Fortsätt to Sök och välj, or Föregående; refused at the field without a reason or with wrong dates."""
        draft = flow.load()
        need_person(draft)
        form = runtime_form({name: TrimmedStringField() for name in ("action", *flow.EMPTY_DETAILS)})
        form.validate()
        typed = {name: form[name].data for name in flow.EMPTY_DETAILS}
        if _refused(form):  # told at the field with the typed text; nothing is kept
            flow.set_errors(draft, "detaljer", _refused(form), typed)
            flow.mark(draft, "detaljer", False)
            flow.save(draft)
            return redirect(url_for("usertjanst.details"))
        draft["detaljer"] = typed
        if _action(form, "") == "tillbaka":
            flow.save(draft)
            return redirect(url_for("usertjanst.costs"))
        contexts = flow.contexts_for(draft)
        context = next((e for e in contexts if str(e.id) == typed["verksamhetskontext"]), None)
        errors = {}
        if not typed["orsak"]:
            errors["orsak"] = _N("Ange en orsak till beställningen. Välj i listan eller skriv en egen."), {}
        elif len(typed["orsak"]) > 200:
            errors["orsak"] = _N("Orsaken får vara högst %(max)s tecken."), {"max": 200}
        if context is None:
            errors["verksamhetskontext"] = _N("Välj verksamhetskontext."), {}
        errors.update(rules.dates_problems(typed["start_date"], typed["end_date"], context, current_actor().today))
        if errors:
            flow.set_errors(draft, "detaljer", errors, typed)
            flow.mark(draft, "detaljer", False)
            flow.save(draft)
            return redirect(url_for("usertjanst.details"))
        flow.mark(draft, "detaljer", True)
        flow.save(draft)
        return redirect(url_for("usertjanst.choose"))

    # --- 4. Sök och välj, Dina val, Skicka ---------------------------------------------------

    def _filtered(levels, text: str, refine: set[str]):
        text = text.casefold()
        shown = [level for level in levels
                 if not text or text in gettext(level.name).casefold() or text in gettext(level.kort).casefold()]
        if "epost" in refine:
            shown = [level for level in shown if level.epost]
        if "privat" in refine:
            shown = [level for level in shown if level.privat]
        return shown

    @bp.get("/val", defaults=here)
    @requires("order")
    def choose(catalogue: str):
        """Sök och välj (the levels, Visar 1–4 av 4, Förfin) beside Dina val (who, the chosen level, Ta bort)."""
        draft = flow.load()
        need_person(draft)
        if not flow.passed(draft, "kostnad"):
            return redirect(url_for("usertjanst.costs"))
        if not flow.passed(draft, "detaljer"):
            return redirect(url_for("usertjanst.details"))
        errors, _ = flow.take_errors(draft, "val")
        query = from_query(ChooseForm)
        query.validate()
        text, refine = valid_data(query)["sok"] or "", set(valid_data(query)["forfin"] or ())
        shown = _filtered(data.levels, text, refine)
        contexts = flow.contexts_for(draft)
        context = flow.chosen_context(draft, contexts)
        held = rules.held_service(directory(), draft["person_id"]) if draft.get("kind") == FORANDRING else None
        preset = data.preset((draft.get("kostnad") or {}).get("preset"))
        request_ = flow.order_request(draft, contexts)
        return page("val.html", 4, draft, errors=errors, shown=shown, sok=text, refine=refine, context=context,
                    held_level=held.details.get(rules.LEVEL_FIELD) if held else None, preset=preset,
                    chosen_level=data.level(draft.get("niva")), order=request_,
                    context_label=rules.context_label(context, current_actor().today, gettext) if context else "",
                    args={"sok": text, "forfin": sorted(refine)} if text or refine else {})

    @bp.post("/val", defaults=here)
    @requires("order")
    def choose_post(catalogue: str):
        """Lägg till, Ta bort, Föregående, Skicka."""
        draft = flow.load()
        form = ChooseForm()
        form.validate()
        action, values = _action(form, ""), valid_data(form)
        if not draft and action == "skicka":
            sent = draft_sent(rules.CATALOGUE)  # a second Skicka (Back, a double click): what the first made
            if sent is not None:
                flash(message_text(sent.message), "info")
                return redirect(url_for("usertjanst.done", number=sent.number) if sent.number
                                else url_for("start.index"))
        need_person(draft)
        back = url_for("usertjanst.choose", sok=values["sok"] or None, forfin=values["forfin"] or None)
        if action.startswith("add:"):
            level = data.level(action.split(":", 1)[1])
            if level is None:
                abort(400)
            current = data.level(draft.get("niva"))
            if current is not None and current.key != level.key:
                flow.set_errors(draft, "val", {"lines": (
                    _N("Endast en nivå av användartjänst kan väljas per person. Ta bort %(level)s i Dina val först."),
                    {"level": current.name})})
            else:
                draft["niva"] = level.key
            flow.save(draft)
            return redirect(back)
        if action == "remove":
            draft.pop("niva", None)
            flow.save(draft)
            return redirect(back)
        if action == "tillbaka":
            return redirect(url_for("usertjanst.details"))
        if action != "skicka":
            abort(400)
        if not (flow.passed(draft, "kostnad") and flow.passed(draft, "detaljer")):
            return redirect(url_for("usertjanst.costs"))
        if not draft.get("niva"):
            flow.set_errors(draft, "val", {"lines": (_N("Välj en nivå av användartjänst med Lägg till."), {})})
            flow.save(draft)
            return redirect(back)
        try:
            made = create_orders([flow.order_request(draft, flow.contexts_for(draft))], catalogue=rules.CATALOGUE)
        except Conflict as already:  # sent already: a double click, another tab
            number = getattr(already, "number", "")
            flash(message_text(already.message), "info")
            return redirect(url_for("usertjanst.done", number=number) if number else url_for("start.index"))
        except Forbidden:
            abort(403)
        except ValidationFailed as failed:
            flow.set_errors(draft, "val", {key: (message, {}) for key, message in failed.errors.items()})
            flow.save(draft)
            return redirect(back)
        order = made[0]
        session[DONE_KEY] = {"number": order.number, "attestant": order.attestant.display if order.attestant else ""}
        return redirect(url_for("usertjanst.done", number=order.number))

    @bp.get("/klar/<number>", defaults=here)
    @requires("order")
    def done(catalogue: str, number: str):
        """Ansökan skickas nu för ekonomisk attest: the order number and who attests."""
        sent = session.get(DONE_KEY) or {}
        if sent.get("number") != number:
            return redirect(url_for("orders.show", number=number))  # that page checks who may see it
        return render_template("usertjanst/klar.html", number=number, attestant=sent.get("attestant", ""),
                               step=5, step_names=[gettext(n) for n in STEP_NAMES])

    return bp
