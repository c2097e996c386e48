"""MINISTOP (manual 001): Enhet 1 and Enhet 2 of the chosen förvaltning, Titel and Epost; Service Desk fulfils.

MINISTOP is one of the Lokala system of Närhälsan and Regionhälsan, so it is an
item of the catalogue Lokala och Regionala system (declared by another plugin;
this plugin only names its key). The units are computed per request from the
directory, the e-mail address is prefilled from KiV, and at most two units can
be chosen, never the same twice.
"""
from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from beh_core.api import AVSLUT, FORANDRING, NYUPPLAGG, CatalogItem, DemoSamples, Field, FieldOptions, hookimpl

KEY = "ministop"
CATALOGUE = "lr"  # Lokala och Regionala system
UNIT_FIELDS = ("enhet1", "enhet2")
MAX_UNITS_TEXT = "Högst två enheter kan väljas per behörighetsbeställning."


def load_data(data_dir: Path | None = None) -> dict:
    """The plugin's data file (förvaltningar and titles); another folder may be set with ``DATA_DIR``."""
    if data_dir:
        return tomllib.loads((Path(data_dir) / "ministop.toml").read_text("utf-8"))
    return tomllib.loads((resources.files("beh_ministop") / "data" / "ministop.toml").read_text("utf-8"))


def ministop_item(data: dict) -> CatalogItem:
    """MINISTOP as the manual shows it: Enhet 1 *, Enhet 2, Titel *, Epost *."""
    titles = tuple((title, title) for title in data["titlar"])
    return CatalogItem(
        key=KEY, name="MINISTOP", catalogue=CATALOGUE, page="local", forvaltningar=tuple(data["forvaltningar"]),
        kinds=frozenset({NYUPPLAGG, FORANDRING, AVSLUT}),
        description=("Beställningen behöver attesteras utav vald attestant innan den skickas för utförande av "
                     "Service Desk behörigheter. Möjlighet finns att välja max två enheter per behörighetsbeställning."),
        fields=(Field("enhet1", "Enhet 1", type="select", required=True),
                Field("enhet2", "Enhet 2", type="select"),
                Field("titel", "Titel", type="select", required=True, choices=titles),
                Field("epost", "Epost", type="email", required=True, help="Ange e-postadress")),
        fulfilment="manual")


@hookimpl
def beh_catalogue_items(settings):
    """MINISTOP, in the förvaltningar of the data file."""
    return [ministop_item(load_data(settings.get("DATA_DIR")))]


@hookimpl
def beh_field_options(item, field, context, held):
    """Enhet 1 and 2: the units of the chosen förvaltning; Epost: the end user's address in KiV."""
    if field.name in UNIT_FIELDS and context.forvaltning is not None:
        units = context.directory.units_of_forvaltning(context.forvaltning.id)
        return FieldOptions(choices=tuple((str(unit.id), unit.name) for unit in units))
    if field.name == "epost":
        return FieldOptions(default=(held.details.get("epost") if held else None) or context.end_user.email or "")
    return None


@hookimpl
def beh_validate_line(item, values, unknown):
    """Never the same unit twice, and at most two units (a third posted unit is refused at Enhet 2)."""
    errors = {}
    if values.get("enhet2") and values.get("enhet2") == values.get("enhet1"):
        errors["enhet2"] = "Enhet 2 kan inte vara samma enhet som Enhet 1. Välj en annan enhet eller lämna fältet tomt."
    if unknown:
        errors["enhet2"] = MAX_UNITS_TEXT if any(name.startswith("enhet") for name in unknown) else \
            "Formuläret innehåller fält som inte finns för MINISTOP. Ladda om sidan."
    return errors


@hookimpl
def beh_demo_samples():
    """The demo end user holds nothing of MINISTOP: it is there to be ordered."""
    return DemoSamples()


@hookimpl
def beh_translations():
    """The English of the texts this plugin declares."""
    return str(Path(__file__).parent / "translations")
