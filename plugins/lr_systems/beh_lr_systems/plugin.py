"""Hook implementations of the lr_systems plugin: the Lokala och Regionala system catalogue of manual 000."""
from __future__ import annotations

import secrets
import string
from pathlib import Path

from beh_core.api import (DELEGATION_AREA, FORANDRING, AttestStep, Catalogue, DemoSample, DemoSamples, Field,
                          FulfilmentResult, WizardPage, hookimpl)

from .loader import CATALOGUE, load_items

PASSWORD_ALPHABET = string.ascii_letters + string.digits

# The manual's guidance at "Avslut av behörigheter som inte finns i listan" (manual 000, Avsluta behörighet),
# laid out as the manual shows it: paragraphs (blank line) and lines (newline).
AVSLUT_HELP = (
    "Ange i fritext tydligt vilka behörigheter som ska avslutas, exempelvis Elvis, Melior, enstaka roller i system "
    "eller specifika AD-undergrupper. Vid AsynjaVisph skall signeringslistan vara utdelad. Använd inte frasen "
    "\"Alla behörigheter\".\n\nObservera! Detta val kan endast användas för behörighet som inte finns i listan "
    "ovanför.\n\nAnvändartjänster (AD, Outlook och Teams) avslutas via tjänsten Hantera användartjänst.\n"
    "Uppdrag (Pascal och NPÖ) avslutas på sidan Uppdrag (Vårdmedarbetaruppdrag VMU).\n"
    "Ovanstående anges inte i fritextfältet.\nAvslutas med automatik vid valt datum."
)

LR = Catalogue(
    key=CATALOGUE,
    title="Lokala och Regionala system",
    text=("Här beställs, förändras eller avslutas behörigheter för en användare till vårdssystem och administrativa "
          "system som används lokalt och regionalt i regionen."),
    delegation=DELEGATION_AREA,
    pages=(WizardPage("local", "Lokala system", free_text_avslut=True, avslut_help=AVSLUT_HELP,
                      empty_text="Det finns inga lokala system att välja här."),
           WizardPage("regional", "Regionala system", free_text_avslut=True, avslut_help=AVSLUT_HELP,
                      empty_text="Det finns inga regionala system att välja här.")),
    attest_steps=(AttestStep("attest", "Attest", rule="area"),),
    order_fields=(Field("tillaggsinformation", "Tilläggsinformation", type="textarea", max_length=2000,
                        kinds=frozenset({FORANDRING}),
                        help="Används endast vid förändring där användaren behöver göra ett namnbyte. "
                             "Kräver att namnbytet är registrerat hos Skatteverket."),),
    akut=True,
    akut_help=("Akut beställning används endast för åtkomst till vård/journalsystem, exempelvis Melior, Asynja Visph "
               "och ELVIS. Övriga behörigheter hänvisas till ordinarie beställning. Används endast för "
               "stafettläkare/bemanningspersonal. Du behöver inte ringa och/eller påskynda beställning via "
               "ärendeanmälan."),
    position=10,
)


@hookimpl
def beh_catalogues(settings):
    """The catalogue Lokala och Regionala system (standard wizard, L/R delegations, one attest)."""
    return [LR]


@hookimpl
def beh_catalogue_items(settings):
    """The systems of the data files (setting ``DATA_DIR``, i.e. ``BEH_PLUGIN_LR_SYSTEMS_DATA_DIR``)."""
    data_dir = settings.get("DATA_DIR")
    return load_items(Path(data_dir) if data_dir else None)


@hookimpl
def beh_fulfil_line(item, line, order):
    """Automatic systems create an account: login = the end user's VGR-ID and a random password."""
    wanted = {f.name for f in item.feedback_fields}
    feedback: dict[str, str] = {}
    if "login" in wanted:
        feedback["login"] = order.end_user.vgr_id
    if "losenord" in wanted:
        feedback["losenord"] = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(14))
    return FulfilmentResult(done=True, feedback=feedback)


@hookimpl
def beh_demo_samples():
    """Example held permissions and orders of the demo region."""
    return DemoSamples(
        held=(DemoSample("lr.slvd", {"roll": "VGR;SLVD_Sjukskoterska"}), DemoSample("lr.esmaker"),
              DemoSample("lr.corpus"), DemoSample("lr.nh.navet", {"motivering": "Folkbokföringskontroll"}, "", "NH"),
              DemoSample("lr.su.flexlab", {}, "", "SU"), DemoSample("lr.elvis")),
        held_by_end_user=(DemoSample("lr.slvd", {"roll": "VGR;SLVD_Sjukskoterska"}), DemoSample("lr.esmaker"),
                          DemoSample("lr.corpus"),
                          DemoSample("lr.nh.navet", {"motivering": "Folkbokföringskontroll"}, "", "NH")),
        orders=(DemoSample("lr.esmaker"), DemoSample("lr.corpus"), DemoSample("lr.slvd", {"roll": "VGR;SLVD_Farmaceut"}),
                DemoSample("lr.elvis")),
    )


@hookimpl
def beh_translations():
    """The English of the texts this plugin declares."""
    return str(Path(__file__).parent / "translations")
