"""Vårdmedarbetaruppdrag VMU Flera användare: the plugin's own pages (thin: parse, call, render).

Beställ (one form: vårdenhet, uppdrag, attestant, startdatum and the list, pasted or as a CSV
file) > Kontrollera (every row checked and shown with its result; nothing is saved) > Skicka (the
valid rows become one order per person in ONE transaction, one mail to the attestant) > Klar.
The checked list waits in the core's server-side draft between Kontrollera and Skicka, with
personnummer masked. Every page has the route rule ``order`` for the catalogue ``vmu_flera``.
"""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for

from beh_core.api import (N_, Conflict, DateField, IdField, InputForm, TextAreaField, TrimmedStringField,
                          ValidationFailed, count_person_searches, create_orders, current_actor, directory, draft_data,
                          draft_discard, draft_sent, draft_start, field_errors, message_text, person_search, requires)

from . import mass
from .uppdrag import MASS_CATALOGUE, Uppdrag, ordering_units

HERE = {"catalogue": MASS_CATALOGUE}
DONE_KEY = "vmu_klar"


class MassOrderForm(InputForm):
    """Vårdenhet, Vårdmedarbetaruppdrag, Attestant, Startdatum and Identiteter (one per row)."""

    enhet_id = IdField()
    uppdrag = TrimmedStringField()
    attestant_id = IdField()
    start_date = DateField()
    identiteter = TextAreaField()


def make_blueprint(uppdrag: tuple[Uppdrag, ...]) -> Blueprint:
    """The blueprint of the mass order pages for the uppdrag of the data file."""
    bp = Blueprint("vmu", __name__, url_prefix="/vmu", template_folder="templates")
    by_key = {u.item_key: u for u in uppdrag}

    def choices():
        """The beställare's vårdenheter and the U attestants of each (a constant number of queries)."""
        dir_, actor = directory(), current_actor()
        units = ordering_units(dir_, actor.id)
        attestants = {unit.id: [a for a in dir_.unit_attestants(unit.id) if a.id != actor.id] for unit in units}
        return units, attestants

    def form_page(values: dict, errors: dict, status: int = 200):
        units, attestants = choices()
        people: dict[int, tuple] = {}
        for unit in units:
            for person in attestants[unit.id]:
                people.setdefault(person.id, (person, []))[1].append(unit.name)
        return render_template("vmu/flera.html", units=units, unit_options=[(u.id, u.name) for u in units], uppdrag=uppdrag, people=list(people.values()),
                               values=values, errors=errors, max_rows=mass.MAX_ROWS), status

    @bp.get("/flera", defaults=HERE)
    @requires("order")
    def mass_order(catalogue: str):
        """Vårdmedarbetaruppdrag VMU Flera användare: the form."""
        units, _ = choices()
        values = {"enhet_id": units[0].id if len(units) == 1 else ""}
        earlier = draft_data(MASS_CATALOGUE) or {}
        if "rows" in earlier:  # Ändra listan: the choices made once are kept (the list itself is typed again,
            # as personnummer are never stored)
            values = {name: earlier.get(name, "") for name in ("enhet_id", "uppdrag", "attestant_id", "start_date")}
        return form_page(values, {})

    @person_search  # a list checked is a search of KiV for every row: it counts toward the search budget
    @bp.post("/flera", defaults=HERE)
    @requires("order")
    def check(catalogue: str):
        """Kontrollera: every row is checked and shown with its result; nothing is ordered yet."""
        form = MassOrderForm()
        values = form.raw_text()
        errors = {} if form.validate() else dict(field_errors(form))
        units, attestants = choices()
        upload = request.files.get("fil")
        data = upload.read(mass.MAX_FILE_BYTES + 1) if upload and upload.filename else None
        rows: list[str] = []
        try:
            rows = mass.read_list(form.identiteter.data or "", data)
        except ValidationFailed as failed:
            errors.update(failed.errors)
        actor = current_actor()
        choices_refused = mass.check_choices(
            units=units, unit_id=form.enhet_id.data, uppdrag=uppdrag, item_key=form.uppdrag.data,
            attestants=attestants.get(form.enhet_id.data, []), attestant_id=form.attestant_id.data,
            start=values.get("start_date", ""), today=actor.today, actor_id=actor.id)
        # Every field's problem at once; a field the input layer refused keeps that message.
        errors.update({name: message for name, message in choices_refused.items() if name not in errors})
        if errors:
            # 400 for a vårdenhet posted that is not one of the user's (a forged form), not for one not chosen
            return form_page(values, errors, 400 if "enhet_id" in errors and form.enhet_id.data is not None else 200)
        unit = next(u for u in units if u.id == form.enhet_id.data)
        checked = mass.check_rows(directory(), rows, unit=unit, item_key=form.uppdrag.data,
                                  attestant_id=form.attestant_id.data)
        count_person_searches(mass.unknown_personnummer(checked, rows))  # guesses cost as one at a time
        refused = mass.too_many_unknown(checked, rows)
        if refused is not None:  # told at the list, nothing shown row by row and nothing kept
            return form_page(values, refused.errors)
        draft_start(MASS_CATALOGUE, {"enhet_id": unit.id, "uppdrag": form.uppdrag.data,
                                     "attestant_id": form.attestant_id.data,
                                     "start_date": form.start_date.data.isoformat(),
                                     "rows": [row.to_dict() for row in checked]})
        return redirect(url_for("vmu.review"))

    @bp.get("/flera/granska", defaults=HERE)
    @requires("order")
    def review(catalogue: str):
        """Granska beställning: the result of every row; Skicka sends the valid ones."""
        draft = draft_data(MASS_CATALOGUE)
        if not draft or "rows" not in draft:
            return redirect(url_for("vmu.mass_order"))
        rows = [mass.Row.from_dict(r) for r in draft["rows"]]
        dir_ = directory()
        error = session.pop("vmu_fel", None)
        if error:
            error = {"row": error.get("row"), "messages": [N_(m["msgid"], **(m.get("params") or {}))
                                                           for m in error.get("messages", [])]}
        return render_template("vmu/granska.html", draft=draft, rows=rows, valid=[r for r in rows if r.ok],
                               refused=[r for r in rows if not r.ok], unit=dir_.unit(draft["enhet_id"]),
                               attestant=dir_.person(draft["attestant_id"]), uppdrag=by_key.get(draft["uppdrag"]),
                               error=error)

    @bp.post("/flera/skicka", defaults=HERE)
    @requires("order")
    def send(catalogue: str):
        """Skicka beställning: one order per valid row, all in one transaction, one mail to the attestant."""
        draft = draft_data(MASS_CATALOGUE)
        if request.form.get("action") == "andra":
            return redirect(url_for("vmu.mass_order"))
        if not draft:
            sent = draft_sent(MASS_CATALOGUE)  # a second Skicka (Back, a double click): what the first one made
            return _sent_already(sent) if sent is not None else redirect(url_for("vmu.mass_order"))
        if "rows" not in draft:
            return redirect(url_for("vmu.mass_order"))
        rows = [mass.Row.from_dict(r) for r in draft["rows"]]
        requests = mass.requests_for(rows, unit_id=draft["enhet_id"], item_key=draft["uppdrag"],
                                     attestant_id=draft["attestant_id"], start=draft["start_date"])
        if not requests:
            session["vmu_fel"] = {"row": None, "messages": [{"msgid": mass.NOTHING_TO_ORDER.msgid, "params": {}}]}
            return redirect(url_for("vmu.review"))
        try:
            made = create_orders(requests, catalogue=MASS_CATALOGUE, one_mail=True)
        except ValidationFailed as failed:
            valid = [r for r in rows if r.ok]
            row = valid[getattr(failed, "index", 0)] if getattr(failed, "index", 0) < len(valid) else None
            session["vmu_fel"] = {"row": row.number if row else None,
                                  "messages": [{"msgid": getattr(m, "msgid", str(m)),
                                                "params": getattr(m, "params", {})} for m in failed.errors.values()]}
            return redirect(url_for("vmu.review"))
        except Conflict as conflict:  # sent already (a double click): show what was made, as the first Skicka did
            return _sent_already(conflict)
        # The order numbers of one transaction, first and last (the session cookie cannot hold 10,000 numbers).
        session[DONE_KEY] = {"count": len(made), "first": made[0].number, "last": made[-1].number}
        return redirect(url_for("vmu.done"))

    def _sent_already(conflict: Conflict):
        """The page after a Skicka of a list that was sent already: the first Skicka's order numbers."""
        number = getattr(conflict, "number", "")
        if not number:  # lost a race to another Skicka or tab: say so, and where the orders are
            flash(message_text(conflict.message), "info")
            return redirect(url_for("orders.mine"))
        flash(N_("Listan är redan skickad. Inga nya beställningar är gjorda."), "info")
        session[DONE_KEY] = {"count": getattr(conflict, "count", 1), "first": number,
                             "last": getattr(conflict, "last", "") or number}
        return redirect(url_for("vmu.done"))

    @bp.get("/flera/klar", defaults=HERE)
    @requires("order")
    def done(catalogue: str):
        """Beställningen är skickad: the order numbers."""
        return render_template("vmu/klar.html", made=session.get(DONE_KEY) or {"count": 0})

    @bp.get("/flera/mall.csv", defaults=HERE)
    @requires("order")
    def template_csv(catalogue: str):
        """The CSV template: a header and one identifier per row."""
        return Response(mass.TEMPLATE_CSV, mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=vmu-flera-anvandare.csv"})

    @bp.post("/flera/angra", defaults=HERE)
    @requires("order")
    def discard(catalogue: str):
        """Ångra: throw the checked list away."""
        draft_discard(MASS_CATALOGUE)
        return redirect(url_for("start.index"))

    return bp
