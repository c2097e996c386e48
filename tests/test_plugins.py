"""The plugin system: entry points, a system owner's plugin in the wizard, start-up checks."""
from importlib.metadata import entry_points

import pluggy
import pytest

from beh_core import create_app
from beh_core.api import CatalogItem, Field, hookimpl
from beh_core.catalogue import CatalogueError
from helpers import choose_systems, forvaltning_id, person_without_permissions, start_wizard, text_of


class LabSystemPlugin:
    """A system owner's plugin: one regional system with a field and its own validation."""

    @hookimpl
    def beh_catalogue_items(self):
        return [CatalogItem(key="test.provlabb", name="Provlabbet", catalogue="lr", page="regional",
                            fields=(Field("avdelning", "Avdelning", required=True),))]

    @hookimpl
    def beh_validate_line(self, item, values):
        if values.get("avdelning", "").isdigit():
            return {"avdelning": "Avdelning ska anges med namn, inte nummer."}
        return {}


def test_lr_systems_hittas_genom_sin_entry_point(app):
    names = {ep.name for ep in entry_points(group="beh.plugins")}
    assert "lr_systems" in names
    registry = app.extensions["beh_runtime"].registry
    assert app.extensions["beh_runtime"].plugins.pm.get_plugin("lr_systems") is not None
    keys = {item.key for item in registry}
    assert {"lr.slvd", "lr.esmaker", "lr.corpus", "lr.su.flexlab", "lr.melior", "lr.elvis", "lr.asynja_visph",
            "lr.nh.navet", "lr.nh.admin_konto"} <= keys
    akut = {item.name for item in registry if item.akut}
    assert akut == {"Melior", "ELVIS", "Asynja Visph"}


@pytest.fixture
def app_config(app_config):
    return dict(app_config, EXTRA_PLUGINS=[LabSystemPlugin()])


def test_ett_registrerat_plugins_system_syns_i_guiden_och_valideras(region, login):
    orderer = login("sarbe1")
    start_wizard(orderer, person_without_permissions(region), forvaltning_id(region, "SU"))
    choose_systems(orderer, "local", {})
    page = text_of(orderer.get("/lr/sida/regional"))
    assert "Provlabbet" in page and "Avdelning" in page
    refused = text_of(choose_systems(orderer, "regional", {"test.provlabb": {"avdelning": "42"}}))
    assert "Avdelning ska anges med namn, inte nummer." in refused and 'value="42"' in refused
    assert choose_systems(orderer, "regional", {"test.provlabb": {"avdelning": "Kemlab"}}).status_code == 302


def test_en_felstavad_hook_stoppar_starten(migrated, tmp_path):
    class Misspelt:
        @hookimpl
        def beh_catalog_items(self):  # should be beh_catalogue_items
            return []

    from helpers import make_config

    with pytest.raises(pluggy.PluginValidationError):
        create_app(make_config(migrated, tmp_path, EXTRA_PLUGINS=[Misspelt()]))


def test_dubbla_systemnamn_stoppar_starten(migrated, tmp_path):
    class Twin:
        @hookimpl
        def beh_catalogue_items(self):
            return [CatalogItem(key="lr.slvd", name="Kopia av SLVD", catalogue="lr")]

    class SameName:
        @hookimpl
        def beh_catalogue_items(self):
            return [CatalogItem(key="other.esmaker", name="esMaker", catalogue="lr", page="regional")]

    from helpers import make_config

    with pytest.raises(CatalogueError, match="lr.slvd"):
        create_app(make_config(migrated, tmp_path, EXTRA_PLUGINS=[Twin()]))
    with pytest.raises(CatalogueError, match="share the name"):
        create_app(make_config(migrated, tmp_path, EXTRA_PLUGINS=[SameName()]))


class SettingsReader:
    """Remembers the settings it was given."""

    seen: dict = {}

    @hookimpl
    def beh_catalogue_items(self, settings):
        SettingsReader.seen = dict(settings)
        return []


def test_ett_plugin_får_sina_egna_inställningar_och_aldrig_portalens_hemligheter(migrated, tmp_path, monkeypatch):
    from helpers import make_config

    monkeypatch.setenv("BEH_PLUGIN_LASARE_URL", "https://labb.example")
    create_app(make_config(migrated, tmp_path, EXTRA_PLUGINS=[("lasare", SettingsReader())],
                           PLUGIN_LASARE_NIVA="hög", PLUGIN_ANNAT_URL="nej", CREDENTIALS_KEYS=["hemlig"]))
    assert SettingsReader.seen == {"URL": "https://labb.example", "NIVA": "hög"}
    assert "SECRET_KEY" not in SettingsReader.seen and "CREDENTIALS_KEYS" not in SettingsReader.seen
