"""Vårdmedarbetaruppdrag VMU (manual 003): uppdrag per vårdenhet, ordered through U delegations.

Two tiles. *En användare* is the core's wizard: search the person (personnummer, passnummer,
HSA-id), Nyupplägg or Avslut, Välj vårdmedarbetaruppdrag (a group per vårdenhet the beställare
holds a U delegation for, expandable without JavaScript, the uppdrag by system), Granska
beställning with the U attestants of that vårdenhet and Startdatum. *Flera användare* is a page of
this plugin: one uppdrag for a list of people, every row checked before anything is sent, all
orders in one transaction and one mail to the attestant.

After attest the uppdrag activates by itself on the start date (``fulfilment="on_start"``:
``run-due`` carries it out, no Service Desk step) and the orderer gets the core's mail that the
order is done; an Avslut ends the uppdrag the same way on its date.
"""
from __future__ import annotations

from pathlib import Path

from beh_core.api import (AVSLUT, DELEGATION_UNIT, NYUPPLAGG, AttestStep, Catalogue, DemoSample, DemoSamples,
                          DemoUnitDelegation, FulfilmentResult, WizardPage, hookimpl, runtime)

from . import uppdrag as u

ATTEST = (AttestStep("attest", "Attest", rule="unit"),)

ONE_USER = Catalogue(
    key=u.CATALOGUE, title="Vårdmedarbetaruppdrag VMU En användare",
    text="Här beställs behörighet till Vårdmedarbetaruppdrag VMU för en användare.",  # manual 000's start page
    delegation=DELEGATION_UNIT, kinds=(NYUPPLAGG, AVSLUT),
    pages=(WizardPage(u.PAGE, "Välj vårdmedarbetaruppdrag",
                      empty_text="Det finns inga vårdmedarbetaruppdrag att välja vid dina vårdenheter."),),
    attest_steps=ATTEST, search_fields=("personnummer", "passnummer", "hsa_id"), position=20,
)

MANY_USERS = Catalogue(
    key=u.MASS_CATALOGUE, title="Vårdmedarbetaruppdrag VMU Flera användare",
    text="Här beställs behörighet till Vårdmedarbetaruppdrag VMU för flera användare.",  # manual 000's start page
    delegation=DELEGATION_UNIT, kinds=(NYUPPLAGG,), wizard=False, start_endpoint="vmu.mass_order",
    orders_in=u.CATALOGUE,  # one VMU order per person: the tile's Mina/Alla list them
    attest_steps=ATTEST, position=21,
)


def data(settings) -> tuple[u.Uppdrag, ...]:
    """The uppdrag of the data file (``PLUGIN_VMU_DATA_DIR`` or the package's)."""
    return u.load_uppdrag((settings or {}).get("DATA_DIR"))


@hookimpl
def beh_catalogues(settings):
    """Vårdmedarbetaruppdrag VMU En användare and Flera användare."""
    return [ONE_USER, MANY_USERS]


@hookimpl
def beh_catalogue_items(settings):
    """One item per uppdrag of the data file."""
    return u.items(data(settings))


@hookimpl
def beh_wizard_choices(catalogue, page, context, settings):
    """Välj vårdmedarbetaruppdrag: the beställare's vårdenheter, each with its uppdrag (Avslut: those held)."""
    registry = runtime().registry
    by_key = {item.key: item for item in registry.items_of(u.CATALOGUE)}
    return u.choice_groups(data(settings), by_key, context.directory, context.kind, context.actor.id,
                           context.end_user.id)


@hookimpl
def beh_validate_order(catalogue, values, lines, context, settings):
    """Administration spärr och logg only at a private care provider (a forged choice is refused)."""
    private_only = {x.item_key for x in data(settings) if x.private_only}
    for line in lines:
        if line.item_key in private_only:
            unit = context.directory.unit(line.scope_key)  # None for a scope no unit id can be
            if unit is None or not unit.private_provider:
                return {"lines": "Administration spärr och logg kan bara beställas vid en privat vårdgivare."}
    return {}


@hookimpl
def beh_fulfil_line(item, line, order, settings):
    """The uppdrag is active from its start date (Nyupplägg) or ended from it (Avslut): nothing else to do."""
    return FulfilmentResult(done=True)


@hookimpl
def beh_blueprints(settings):
    """The pages of Vårdmedarbetaruppdrag VMU Flera användare."""
    from .views import make_blueprint

    return [make_blueprint(data(settings))]


@hookimpl
def beh_demo_samples(settings):
    """U delegations at the three vårdenheter of Närhälsan Område Väster (the third a private care provider):
    the demo beställare orders there, the demo attestants attest there, and each unit's verksamhetschef has
    delegated both roles to themself; the demo end user holds Pascal VoB at the first (for Avslut)."""
    units = ("NH-O3-E1", "NH-O3-E2", "NH-O3-E3")
    delegations = tuple(DemoUnitDelegation("sarbe1", code, bestallare=True) for code in units)
    delegations += tuple(DemoUnitDelegation(who, code, attestant=True) for who in ("johek1", "perwi1") for code in units)
    delegations += tuple(DemoUnitDelegation(None, code, bestallare=True, attestant=True) for code in units)
    return DemoSamples(held_by_end_user=(DemoSample(u.PREFIX + "pascal.vob", unit_code=units[0]),),
                       unit_delegations=delegations)


@hookimpl
def beh_translations(settings):
    """The English of the texts this plugin declares and shows."""
    return str(Path(__file__).parent / "translations")
