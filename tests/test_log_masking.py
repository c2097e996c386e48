"""Personnummer are never logged: a filter masks them even when code logs one by mistake."""
import logging
from datetime import date

from beh_core.identifiers import make_personnummer
from beh_core.log_masking import PersonnummerFilter, mask_text


def test_personnummer_maskeras_i_loggen():
    pnr = make_personnummer(date(1984, 5, 6), 321)
    record = logging.LogRecord("beh", logging.INFO, __file__, 1, "sökte %s och 19840506-3219", (pnr,), None)
    assert PersonnummerFilter().filter(record)
    assert pnr not in record.getMessage() and "19840506-****" in record.getMessage()
    assert mask_text("order c100001 at 2026-11-23") == "order c100001 at 2026-11-23"


def test_sökning_på_personnummer_syns_inte_i_någon_logg(region, login, caplog):
    from helpers import person_without_permissions

    someone = person_without_permissions(region)
    with caplog.at_level(logging.DEBUG):
        login("sarbe1").post("/lr/", {"field": "personnummer", "q": someone.personnummer})
        logging.getLogger("beh_core").info("debug of a careless developer: %s", someone.personnummer)
    assert someone.personnummer not in caplog.text


def test_personnummer_med_mellanslag_och_streck_i_en_adress_maskeras():
    pnr = make_personnummer(date(1967, 7, 22), 1)  # ÅÅÅÅMMDDNNNN
    date_part, last = pnr[:8], pnr[8:]
    for written in (f"{date_part}+-+{last}", f"{date_part}%20-%20{last}", f"{date_part}%20%20{last}",
                    f"{date_part}%E2%80%93{last}", f"{date_part} – {last}", f"{date_part}%2D{last}",
                    f"{date_part[2:]}+-+{last}", f"{date_part}_{last}", f"{date_part}%5F{last}",
                    f"{date_part}/{last}", f"{date_part}.{last}", f"{date_part}%2F{last}"):
        line = f'"GET /bestallningar/mina?slutanvandare={written} HTTP/1.1" 303'
        masked = mask_text(line)
        assert last not in masked.split("slutanvandare=")[1], written
    assert mask_text("c100001 2026-11-23 10:00:00") == "c100001 2026-11-23 10:00:00"


def test_ett_personnummer_med_skiljetecken_inne_i_datumet_maskeras():
    """The portal's searches read 1987-06-12-0014 and 1987 06 12 0014 as one number (as the suggestions do),
    so the log reads them as one too: an address of a search typed so is masked in the access log."""
    from beh_core.log_masking import mask_text

    for typed in ("1987-06-12-0014", "1987 06 12 0014", "1987+06+12+0014", "1987%2D06%2D12%2D0014", "87-06-12-0014"):
        masked = mask_text(f"GET /mina-identiteter?sok={typed} HTTP/1.1")
        assert "0014" not in masked, typed
    assert mask_text("2026-11-29 17:33:29 GET /healthz") == "2026-11-29 17:33:29 GET /healthz"


def test_ett_mobilnummer_i_en_kommentar_maskeras_inte_men_ett_tiosiffrigt_personnummer_gör():
    """Comments are masked before they are stored: "ring 0701234567" must keep its number (date-shaped, but its
    last digit is no check digit), while ÅÅMMDD-NNNN with a valid check digit is masked however it is written."""
    assert mask_text("Ring mig på 0701234567 eller 070-123 45 67.") == "Ring mig på 0701234567 eller 070-123 45 67."
    for typed in ("870612-0014", "8706120014", "87-06-12-0014", "870612%200014"):
        assert mask_text(f"fel person: {typed}") == "fel person: 870612-****", typed


def test_text_som_sparas_behåller_ärendenummer_och_ett_nummer_före_ett_personnummer_döljer_det_inte():
    """Stored text (a comment, a komplettering) masks only real personnummer (the check digit holds): a case
    number written like a date keeps its reference. The digits of a telephone number just before a personnummer
    do not hide it; an address with a non-breaking space or fullwidth digits URL-encoded is masked in the log."""
    import logging

    from beh_core.log_masking import mask_free_text, mask_record

    assert mask_free_text("Ärende 20240612-0042") == "Ärende 20240612-0042"
    assert mask_text("Ärende 20240612-0042") == "Ärende 20240612-****"  # the logs mask every date-shaped one
    pnr = make_personnummer(date(1987, 6, 12), 1)
    for text in (f"tel 070 123 45 67 {pnr}", f"rad 12 34 {pnr}", f"12 34 {pnr[:8]} {pnr[8:]}"):
        assert pnr[8:] not in mask_free_text(text), text
    encoded = pnr[:8] + "%C2%A0" + pnr[8:]
    fullwidth = "".join(f"%EF%BC%{0x90 + int(c):02X}" for c in pnr)
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "GET /servicedesk/?person=%s&q=%s",
                               (encoded, fullwidth), None)
    assert pnr[8:] not in mask_record(record).getMessage() and f"{pnr[:8]}-****" in record.getMessage()


def test_ett_personnummer_i_ett_fritextfält_sparas_maskerat_men_inte_i_ett_identifierarfält():
    """An order keeps a free-text field (a textarea: Tilläggsinformation, Motivering) without personnummer; a
    field that is an identifier the Service Desk needs (a Login) is kept as given."""
    from beh_core.catalogue import Field
    from beh_core.services.order_fields import ResolvedField, without_personnummer

    pnr = make_personnummer(date(1987, 6, 12), 1)
    fields = [ResolvedField(Field("info", "Tilläggsinformation", type="textarea"), (), ""),
              ResolvedField(Field("login", "Login"), (), "")]
    kept = without_personnummer(fields, {"info": f"Gäller {pnr}, tel 0701234567", "login": pnr})
    assert kept == {"info": f"Gäller {pnr[:8]}-****, tel 0701234567", "login": pnr}


def test_breda_siffror_och_andra_bindestreck_läses_som_ett_personnummer():
    """A fullwidth number (an IME), a fullwidth or small hyphen, a soft hyphen or a zero-width space from a copy
    and paste: read as the personnummer it is, never carried into an address, and masked in a log."""
    from beh_core.services.person_match import is_personnummer

    pnr = make_personnummer(date(1987, 6, 12), 1)
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in pnr)
    for typed in (f"{pnr[:8]}\uff0d{pnr[8:]}", f"{fullwidth[:8]}\uff0d{fullwidth[8:]}", f"{pnr[:8]}\ufe63{pnr[8:]}",
                  f"{pnr[:4]}\u00ad{pnr[4:8]}\u200b{pnr[8:]}"):
        assert is_personnummer(typed), repr(typed)
        assert mask_text(f"GET /bestallningar/mina?slutanvandare={typed}") == \
            f"GET /bestallningar/mina?slutanvandare={pnr[:8]}-****", repr(typed)
    assert mask_text("[2026-11-29 18:12:26 +0000] [23128] [INFO]") == "[2026-11-29 18:12:26 +0000] [23128] [INFO]"
