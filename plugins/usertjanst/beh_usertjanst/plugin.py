"""Hantera användartjänst (manual 004): the basic account in four levels, billed to a kostnadsställe.

A catalogue with pages of its own (``wizard=False``): Välj identitet, Välj kostnadsställe,
Specificera detaljer, Sök och välj with Dina val, Skicka. The order goes to an ekonomisk
attest by the person who answers for the chosen kostnadsställe (the directory says who),
then to the Service Desk. Kostnadsställe, frikoder, orsak and verksamhetskontext are
order-level fields, so every order page, mail and receipt shows them.

One item, ``usertjanst``, whose field ``niva`` is the level: a person holds at most one
användartjänst (the core's rule for an item, held by the database), and a change of level
is a Förändring of it.
"""
from __future__ import annotations

from pathlib import Path

from beh_core.api import (DELEGATION_AREA, FORANDRING, NYUPPLAGG, AttestStep, Catalogue, CatalogItem,
                          DemoKostnadsstalle, DemoSample, DemoSamples, Field, FieldOptions, hookimpl)

from . import rules

ORDER_FIELDS = (
    Field("kostnadsstalle", "Kostnadsställe", required=True, max_length=rules.KOSTNADSSTALLE_MAX,
          help="Kostnadsstället som användartjänstens kostnad belastar."),
    Field("frikod1", "Frikod 1", max_length=8, help="Valfri, 1–8 siffror."),
    Field("frikod2", "Frikod 2", max_length=8, help="Valfri, 1–8 siffror."),
    Field("orsak", "Orsak", required=True, max_length=200),
    Field("verksamhetskontext", "Verksamhetskontext", type="select", required=True),
)

CATALOGUE = Catalogue(
    key=rules.CATALOGUE, title="Hantera användartjänst",
    text="Beställ användartjänst, den grundläggande tjänsten för åtkomst till VGR:s digitala miljö, "
         "eller byt nivå på en användartjänst.",
    delegation=DELEGATION_AREA, kinds=(NYUPPLAGG, FORANDRING), wizard=False, start_endpoint="usertjanst.start",
    attest_steps=(AttestStep("ekonomisk", "Ekonomisk attest", rule="plugin", chosen_by_orderer=False),),
    order_fields=ORDER_FIELDS, end_date=True, search_fields=("vgr_id", "hsa_id", "personnummer"),
    coming_engagements=True, start_page=False, position=50,
)


def data(settings) -> rules.Data:
    """The data file (levels, reasons, presets), from ``PLUGIN_USERTJANST_DATA_DIR`` or the package."""
    return rules.load_data(settings.get("DATA_DIR"))


NEW_ONLY = frozenset({NYUPPLAGG})  # the login of a new account: asked for at Nyupplägg only


def service_item(levels: tuple[rules.Level, ...]) -> CatalogItem:
    """Användartjänst: one item, the level is its field."""
    return CatalogItem(
        key=rules.ITEM, name="Användartjänst", catalogue=rules.CATALOGUE, page="tjanst",
        kinds=frozenset({NYUPPLAGG, FORANDRING}),
        description="Den grundläggande tjänsten för åtkomst till VGR:s digitala miljö: en digital identitet med "
                    "inloggningskonto och support.",
        fields=(Field(rules.LEVEL_FIELD, "Nivå", type="select", required=True,
                      choices=tuple((level.key, level.name) for level in levels)),),
        # Återkoppling: the login of a new account goes to the beställare (the password encrypted, shown
        # only to them), required at Nyupplägg; a change of level has no new login to send.
        feedback_fields=(Field("anvandarnamn", "Användarnamn", required=True, max_length=100, kinds=NEW_ONLY),
                         Field("losenord", "Tillfälligt lösenord", secret=True, required=True, max_length=100,
                               kinds=NEW_ONLY)),
        fulfilment="manual")


@hookimpl
def beh_catalogues(settings):
    """Hantera användartjänst."""
    return [CATALOGUE]


@hookimpl
def beh_catalogue_items(settings):
    """Användartjänst, with the levels of the data file."""
    return [service_item(data(settings).levels)]


@hookimpl
def beh_field_options(item, field, context, held, settings):
    """Nivå: prefilled with the level held (Förändring)."""
    if field.name == rules.LEVEL_FIELD and held is not None:
        return FieldOptions(default=held.details.get(rules.LEVEL_FIELD, ""))
    return None


@hookimpl
def beh_validate_line(item, values, unknown, context, held, settings):
    """A change of level must change the level."""
    errors = {}
    if held is not None and values.get(rules.LEVEL_FIELD) == held.details.get(rules.LEVEL_FIELD):
        level = data(settings).level(values.get(rules.LEVEL_FIELD))
        errors[rules.LEVEL_FIELD] = (f"Användaren har redan {level.name if level else 'denna nivå'}. "
                                     "Välj en annan nivå.")
    if unknown:
        errors[rules.LEVEL_FIELD] = "Formuläret innehåller fält som inte finns för användartjänsten. Ladda om sidan."
    return errors


@hookimpl
def beh_order_field_options(catalogue, field, context, settings):
    """Verksamhetskontext: the end user's engagements the beställare may order for (primary first);
    Kostnadsställe: the main kostnadsställe of that engagement."""
    if field.name not in ("verksamhetskontext", "kostnadsstalle"):
        return None
    found = rules.contexts(context.directory, context.end_user.id, context.actor.id)
    if field.name == "kostnadsstalle":
        return FieldOptions(default=(found[0].kostnadsstalle or "") if found else "")
    return FieldOptions(choices=tuple((str(e.id), rules.context_label(e, context.today)) for e in found),
                        default=str(found[0].id) if found else "")


@hookimpl
def beh_validate_order(catalogue, values, lines, context, settings):
    """One level per order; an existing, active kostnadsställe with an ansvarig; frikoder of the right form;
    the förvaltning of the order is the one of the chosen Verksamhetskontext."""
    directory = context.directory
    errors = {}
    problem = rules.kostnadsstalle_problem(directory, values.get("kostnadsstalle", ""), context.actor.id,
                                           context.end_user.id)
    if problem:
        errors["kostnadsstalle"] = rules.swedish(problem)
    for name, label in (("frikod1", "Frikod 1"), ("frikod2", "Frikod 2")):
        problem = rules.frikod_problem(label, values.get(name, ""))
        if problem:
            errors[name] = rules.swedish(problem)
    if len([line for line in lines if line.item_key == rules.ITEM]) != 1 or len(lines) != 1:
        errors["lines"] = "Endast en nivå av användartjänst kan beställas per person. Ta bort den ena."
    chosen = next((e for e in rules.contexts(directory, context.end_user.id, context.actor.id)
                   if str(e.id) == values.get("verksamhetskontext")), None)
    if chosen is not None and context.forvaltning is not None and chosen.unit.forvaltning.id != context.forvaltning.id:
        errors["verksamhetskontext"] = "Beställningen hör inte till den valda verksamhetskontexten. Börja om."
    return errors


@hookimpl
def beh_attest_candidates(catalogue, step, order, directory, settings):
    """Ekonomisk attest: the person who answers for the order's kostnadsställe (asked again at attest)."""
    found = directory.kostnadsstalle(order.fields.get("kostnadsstalle"))
    return [found.ansvarig_id] if found is not None and found.active and found.ansvarig_id else []


@hookimpl
def beh_blueprints(settings):
    """The pages of the flow."""
    from .views import make_blueprint

    return [make_blueprint(data(settings))]


@hookimpl
def beh_demo_samples(settings):
    """The demo end user holds Användartjänst Grund (by policy), for Förändring; the presets' kostnadsställen."""
    loaded = data(settings)
    return DemoSamples(
        held_by_end_user=(DemoSample(rules.ITEM, {rules.LEVEL_FIELD: "grund"}),),
        kostnadsstallen=tuple(DemoKostnadsstalle(k["code"], k["name"], k["ansvarig"], k.get("forvaltning"))
                              for k in loaded.demo_kostnadsstallen))


@hookimpl
def beh_translations(settings):
    """The English of the texts this plugin declares and shows."""
    return str(Path(__file__).parent / "translations")
