"""Issue 8: one input layer. Every form is a WTForms form built on InputForm.

The base refuses control characters at the field with a Swedish message and
keeps what was typed; ids must fit a database integer; dates are ÅÅÅÅ-MM-DD.
These are the building blocks; test_hardening_input and test_fuzz_forms post
hostile input to every route.
"""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from beh_core.views.forms import (DateField, IdField, IdListField, InputForm, TextAreaField, TrimmedStringField,
                                  field_errors)


class Beställning(InputForm):
    """A form of every kind of field the views use."""

    vgr_id = TrimmedStringField()
    comment = TextAreaField()
    enhet_id = IdField()
    line = IdListField()
    valid_to = DateField()


def _form(app, **values) -> Beställning:
    data = MultiDict()
    for name, value in values.items():
        for one in value if isinstance(value, list) else [value]:
            data.add(name, one)
    with app.test_request_context("/", method="POST", data=data):
        form = Beställning()
        form.validate()
        return form


def test_giltig_inmatning_läses_som_värden(app):
    form = _form(app, vgr_id="  eriny1 ", comment="rad 1\r\nrad 2\tslut", enhet_id="12", line=["3", "4", "3"],
                 valid_to="2027-01-31")
    assert form.errors == {}
    assert form.data["vgr_id"] == "eriny1"
    assert form.data["comment"] == "rad 1\r\nrad 2\tslut"
    assert form.data["enhet_id"] == 12
    assert form.data["line"] == [3, 4]
    assert form.data["valid_to"].isoformat() == "2027-01-31"


def test_styrtecken_avvisas_vid_fältet_och_texten_behålls(app):
    form = _form(app, vgr_id="eri\x01ny1", comment="hej\x1b[2J")
    errors = field_errors(form)
    assert "tecken som inte är tillåtna" in errors["vgr_id"]
    assert "tecken som inte är tillåtna" in errors["comment"]
    assert form.raw_text()["vgr_id"] == "eri\x01ny1"


def test_styrtecken_sist_i_en_rad_döljs_inte_av_att_mellanslag_tas_bort(app):
    form = _form(app, vgr_id="eriny1\x1f")
    assert "vgr_id" in field_errors(form)


def test_radbrytning_tillåts_bara_i_textrutor(app):
    form = _form(app, vgr_id="eri\nny1", comment="eri\nny1")
    errors = field_errors(form)
    assert "vgr_id" in errors and "comment" not in errors


def test_formatteringstecken_som_vänder_texten_avvisas(app):
    form = _form(app, comment="a\u202eb")
    assert "comment" in field_errors(form)


def test_id_utanför_databasens_heltal_avvisas(app):
    for value in (str(2**31), str(2**63), "-1", "0", "12a", "1" * 40):
        errors = field_errors(_form(app, enhet_id=value, line=["1", value]))
        assert errors["enhet_id"] == "Ogiltigt val. Välj i listan.", value
        assert errors["line"] == "Ogiltigt val. Välj i listan.", value


def test_största_id_som_ryms_godtas(app):
    form = _form(app, enhet_id=str(2**31 - 1))
    assert form.errors == {} and form.data["enhet_id"] == 2**31 - 1


def test_tomt_id_är_inget_val(app):
    form = _form(app, enhet_id="  ")
    assert form.errors == {} and form.data["enhet_id"] is None and form.data["line"] == []


def test_datum_i_fel_form_avvisas_och_texten_visas_igen(app):
    form = _form(app, valid_to="31/1 2027")
    assert field_errors(form)["valid_to"] == "Ange datum som ÅÅÅÅ-MM-DD."
    assert form.valid_to._value() == "31/1 2027"


def test_meddelandena_finns_på_engelska(app):
    data = MultiDict({"enhet_id": "x"})
    with app.test_request_context("/?lang=en", method="POST", data=data):
        from flask_babel import refresh

        refresh()
        form = Beställning()
        form.validate()
        assert field_errors(form)["enhet_id"] == "Invalid choice. Choose from the list."
