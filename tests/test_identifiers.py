"""Personnummer, samordningsnummer and HSA-ID validation."""
from datetime import date

import pytest

from beh_core.identifiers import (InvalidIdentifier, is_samordningsnummer, luhn_check_digit, make_personnummer,
                                  mask_personnummer, normalise_hsa_id, normalise_personnummer)


def test_luhn_över_de_tio_sista_siffrorna():
    # 811218-987: the textbook example; check digit 6.
    assert luhn_check_digit("811218987") == 6
    assert normalise_personnummer("198112189876") == "198112189876"
    assert normalise_personnummer("19811218-9876") == "198112189876"


def test_fel_kontrollsiffra_avvisas():
    with pytest.raises(InvalidIdentifier, match="kontrollsiffra"):
        normalise_personnummer("198112189877")


@pytest.mark.parametrize("text", ["", "12345", "19811218987X", "1981121898765"])
def test_fel_format_avvisas(text):
    with pytest.raises(InvalidIdentifier, match="12 siffror"):
        normalise_personnummer(text)


def test_datum_som_inte_finns_avvisas():
    with pytest.raises(InvalidIdentifier, match="datum som inte finns"):
        normalise_personnummer("199902300000")


def test_samordningsnummer_har_dag_plus_60():
    number = make_personnummer(date(1990, 3, 7), 234, samordning=True)
    assert number[6:8] == "67"
    assert normalise_personnummer(number) == number and is_samordningsnummer(number)
    assert not is_samordningsnummer(make_personnummer(date(1990, 3, 7), 234))


def test_skottdag_godtas():
    assert normalise_personnummer(make_personnummer(date(2000, 2, 29), 1))


def test_hsa_id_format():
    assert normalise_hsa_id("SE2321000131-P000000101481") == "SE2321000131-P000000101481"
    assert normalise_hsa_id("se2321000131-E000000000001") == "SE2321000131-E000000000001"
    for bad in ("SE232100013-P1", "SE2321000131P000", "SE2321000131-", "SE2321000131-P" + "0" * 20, "XX2321000131-P1"):
        with pytest.raises(InvalidIdentifier):
            normalise_hsa_id(bad)


def test_personnummer_maskeras():
    assert mask_personnummer("198112189876") == "19811218-****"
    assert mask_personnummer(None) == ""


def test_siffror_från_andra_skriftsystem_är_inget_personnummer_eller_vgr_id():
    import pytest
    from beh_core.identifiers import HSA_ID_RE, VGR_ID_RE, InvalidIdentifier, normalise_personnummer

    with pytest.raises(InvalidIdentifier):
        normalise_personnummer("１９８００１０１１２３４")  # full-width digits
    assert not VGR_ID_RE.match("anna١") and VGR_ID_RE.match("anna1")
    assert not HSA_ID_RE.match("SE２３２１０００１３１-P1")
