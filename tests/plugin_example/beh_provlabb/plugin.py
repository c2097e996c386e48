"""Provlabbet's hooks, as docs/plugins.md describes them."""
from pathlib import Path

from beh_core.api import (DELEGATION_AREA, ORDER_COMPLETED, AttestStep, Catalogue, CatalogItem, DemoSample,
                          DemoSamples, Field, FieldOptions, FulfilmentResult, WizardPage, hookimpl)

CATALOGUE = Catalogue(
    key="provlabb", title="Provlabbet",
    text="Här beställs behörighet till Provlabbet för en användare.",
    delegation=DELEGATION_AREA,
    pages=(WizardPage("system", "Provlabbet"),),
    attest_steps=(AttestStep("attest", "Attest", rule="area"),
                  AttestStep("chef", "Godkännande av verksamhetschef", rule="plugin", chosen_by_orderer=False)),
    order_fields=(Field("projektkod", "Projektkod", required=True, max_length=12,
                        help="Den projektkod analyserna belastar."),),
    end_date=True,
)
COMPLETED: list[str] = []  # order numbers the lab was told about (what notify_the_lab would do)


@hookimpl
def beh_catalogues(settings):
    return [CATALOGUE]


@hookimpl
def beh_catalogue_items(settings):
    return [CatalogItem(
        key="provlabb.konto", name="Provlabbet", catalogue="provlabb", page="system",
        fields=(Field("avdelning", "Avdelning", type="select", required=True),
                Field("epost", "Epost", type="email", required=True),
                Field("nattjour", "Nattjour", type="checkbox")),
        feedback_fields=(Field("login", "Login", required=True),),
        fulfilment="manual")]


@hookimpl
def beh_field_options(item, field, context, held, settings):
    if field.name == "avdelning":
        units = context.directory.units_of_forvaltning(context.forvaltning.id)
        return FieldOptions(choices=tuple((str(u.id), u.name) for u in units))
    if field.name == "epost":
        return FieldOptions(default=context.end_user.email or "")
    return None


@hookimpl
def beh_validate_line(item, values, unknown, context, held, settings):
    if values.get("nattjour") and not values["epost"].endswith("@vgregion.se"):
        return {"epost": "Nattjour kräver en e-postadress i vgregion.se."}
    return {}


@hookimpl
def beh_validate_order(catalogue, values, lines, context, settings):
    if not values["projektkod"].isalnum():
        return {"projektkod": "Projektkoden får bara innehålla bokstäver och siffror."}
    return {}


@hookimpl
def beh_attest_candidates(catalogue, step, order, directory, settings):
    unit = directory.unit(order.enhet_id)
    return [unit.chef_id] if unit and unit.chef_id else []


@hookimpl
def beh_fulfil_line(item, line, order, settings):
    return FulfilmentResult(done=True, feedback={"login": order.end_user.vgr_id})


@hookimpl
def beh_order_event(event, order, actor, line, settings):
    if event == ORDER_COMPLETED and order.catalogue == "provlabb":
        COMPLETED.append(order.number)


@hookimpl
def beh_migrations(settings):
    return str(Path(__file__).parent / "migrations")


@hookimpl
def beh_blueprints(settings):
    from .views import bp
    return [bp]


@hookimpl
def beh_demo_samples(settings):
    return DemoSamples(held=(DemoSample("provlabb.konto", {"avdelning": "1"}),),
                       orders=(DemoSample("provlabb.konto"),))
