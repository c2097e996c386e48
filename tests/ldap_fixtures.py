"""A real slapd per test, loaded with a generated KiV region (a pytest plugin named in conftest.py).

Without slapd the tests skip, except under BEH_REQUIRE_HARDWARE_SIM=1 (scripts/test.sh, CI),
where a missing slapd fails them: nothing may skip in CI.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from beh_core import ldap_region
from beh_core.ldap_server import (
    KOSTNADSSTALLE_BASE, PERSON_BASE, SYNC_DN, UNIT_BASE, Slapd, SlapdMissing, find_program,
)

# A password that would stand out in any log, page or message it leaked into.
BIND_PASSWORD = "Lösen-KiV-7fQ2-hemligt"
REGION_SIZE = 1000


def require_slapd() -> None:
    """Skip without slapd, or fail when the run must not skip (BEH_REQUIRE_HARDWARE_SIM=1)."""
    try:
        find_program("slapd")
        find_program("slapadd")
    except SlapdMissing as missing:
        if os.environ.get("BEH_REQUIRE_HARDWARE_SIM") == "1":
            pytest.fail(f"{missing} (BEH_REQUIRE_HARDWARE_SIM=1: inget får hoppas över)")
        pytest.skip(str(missing))


@dataclass
class Kiv:
    """The running slapd with the generated region, and helpers to change KiV like its editors do."""

    server: Slapd
    folder: Path
    persons: int

    def settings(self, **extra) -> dict:
        """The portal's LDAP settings for this server (plain LDAP is allowed to loopback only)."""
        password_file = self.folder / "bind-password"
        password_file.write_text(BIND_PASSWORD + "\n", "utf-8")
        password_file.chmod(0o600)
        return {"LDAP_URL": self.server.url, "LDAP_STARTTLS": False, "LDAP_BIND_DN": SYNC_DN,
                "LDAP_BIND_PASSWORD_FILE": str(password_file), "LDAP_PERSON_BASE": PERSON_BASE,
                "LDAP_UNIT_BASE": UNIT_BASE, "LDAP_KOSTNADSSTALLE_BASE": KOSTNADSSTALLE_BASE, **extra}

    def replace(self, dn: str, **attributes: list[str]) -> None:
        """Replace attributes of an entry (as the admin)."""
        import ldap

        conn = self.server.admin()
        conn.modify_s(dn, [(ldap.MOD_REPLACE, name, [v.encode() for v in values]) for name, values in attributes.items()])
        conn.unbind_s()

    def delete(self, dn: str) -> None:
        """Delete an entry."""
        conn = self.server.admin()
        conn.delete_s(dn)
        conn.unbind_s()

    def add(self, dn: str, attributes: dict[str, list[str]]) -> None:
        """Add an entry."""
        import ldap.modlist

        conn = self.server.admin()
        conn.add_s(dn, ldap.modlist.addModlist({k: [v.encode() for v in vs] for k, vs in attributes.items()}))
        conn.unbind_s()


@pytest.fixture
def kiv(tmp_path) -> Kiv:
    """slapd on a free loopback port with a generated region of REGION_SIZE persons."""
    require_slapd()
    folder = tmp_path / "kiv"
    folder.mkdir()
    server = Slapd(folder, sync_password=BIND_PASSWORD)
    server.configure()
    with open(folder / "region.ldif", "w", encoding="utf-8") as out:
        ldap_region.write_ldif(out, REGION_SIZE, server.base_ldif(), today=date.today())
    server.load(folder / "region.ldif")
    server.start()
    yield Kiv(server, folder, REGION_SIZE)
    server.stop()
