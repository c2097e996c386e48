"""Reading KiV/HSA over LDAP: settings, a TLS connection, paged searches and entries mapped to records.

No database here. python-ldap (OpenLDAP's own client library) does the protocol;
every page of a paged search is handed on before the next is asked for, so a
region of 100,000 persons never sits in memory at once.

The bind password is read from LDAP_BIND_PASSWORD_FILE at connect time, passed
to the bind and forgotten: it is in no object, no message and no log.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import ldap
from ldap.controls import SimplePagedResultsControl

from ..identifiers import InvalidIdentifier, normalise_hsa_id
from .directory_import import check_person

ENGAGEMENT_KINDS = ("anstalld", "konsult", "student", "privat")
# The portal fields LDAP_ATTRIBUTES maps (config.DEFAULTS holds the HSA-named defaults).
ATTRIBUTE_FIELDS = (
    "vgr_id", "hsa_id", "personnummer", "passnummer", "first_name", "last_name", "email", "titel", "ansvarsnummer",
    "engagement", "unit_code", "unit_name", "unit_hsa_id", "vardenhet", "private_provider", "chef",
    "kostnadsstalle_code", "kostnadsstalle_name", "kostnadsstalle_forvaltning", "kostnadsstalle_ansvarig",
)


class LdapUnavailable(Exception):
    """The LDAP server could not be reached, refused the bind, or broke off a search."""


class SyncConfigError(Exception):
    """The LDAP settings are incomplete or unsafe; the message says which setting."""


class BadEntry(Exception):
    """An LDAP entry that does not validate; ``key`` names it (VGR-ID or DN), never by personnummer."""

    def __init__(self, key: str, reason: str, present: str | None = None) -> None:
        super().__init__(f"{key}: {reason}")
        self.key, self.reason, self.present = key, reason, present


@dataclass(frozen=True)
class LdapSettings:
    """The LDAP_* settings of docs/directory-sync.md (the password stays in its file)."""

    url: str
    starttls: bool
    ca_file: str
    bind_dn: str
    password_file: str
    timeout: int
    person_base: str
    person_filter: str
    unit_base: str
    unit_filter: str
    kostnadsstalle_base: str
    kostnadsstalle_filter: str
    page_size: int
    attributes: dict = field(default_factory=dict)

    @classmethod
    def from_config(cls, config) -> "LdapSettings":
        """Read and check the settings; raises SyncConfigError naming the missing or unsafe one."""
        attributes = dict(config.get("LDAP_ATTRIBUTES") or {})  # complete: load_config merges it over the defaults
        settings = cls(
            url=str(config.get("LDAP_URL") or ""), starttls=bool(config.get("LDAP_STARTTLS", True)),
            ca_file=str(config.get("LDAP_CA_FILE") or ""), bind_dn=str(config.get("LDAP_BIND_DN") or ""),
            password_file=str(config.get("LDAP_BIND_PASSWORD_FILE") or ""),
            timeout=int(config.get("LDAP_TIMEOUT", 30)), person_base=str(config.get("LDAP_PERSON_BASE") or ""),
            person_filter=str(config.get("LDAP_PERSON_FILTER") or "(objectClass=*)"),
            unit_base=str(config.get("LDAP_UNIT_BASE") or ""),
            unit_filter=str(config.get("LDAP_UNIT_FILTER") or "(objectClass=*)"),
            kostnadsstalle_base=str(config.get("LDAP_KOSTNADSSTALLE_BASE") or ""),
            kostnadsstalle_filter=str(config.get("LDAP_KOSTNADSSTALLE_FILTER") or "(objectClass=*)"),
            page_size=max(1, int(config.get("LDAP_PAGE_SIZE", 1000))), attributes=attributes,
        )
        missing = sorted(set(ATTRIBUTE_FIELDS) - settings.attributes.keys())
        if missing:
            raise SyncConfigError("LDAP_ATTRIBUTES saknar " + ", ".join(missing) + ".")
        for name, value in (("LDAP_URL", settings.url), ("LDAP_PERSON_BASE", settings.person_base),
                            ("LDAP_UNIT_BASE", settings.unit_base)):
            if not value:
                raise SyncConfigError(f"{name} saknas i inställningarna.")
        parts = urlsplit(settings.url)
        if parts.scheme not in ("ldap", "ldaps"):
            raise SyncConfigError("LDAP_URL ska börja med ldaps:// eller ldap://.")
        if parts.scheme == "ldap" and not settings.starttls and not _loopback(parts.hostname or ""):
            raise SyncConfigError("LDAP utan TLS tillåts bara mot en lokal adress: använd ldaps:// eller LDAP_STARTTLS.")
        if settings.bind_dn and not settings.password_file:
            raise SyncConfigError("LDAP_BIND_PASSWORD_FILE saknas: lösenordet läses bara från en fil.")
        return settings


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _describe(error: ldap.LDAPError) -> str:
    """A short text of a python-ldap error (its desc and info; these never hold the bind password)."""
    detail = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    text = detail.get("desc") or type(error).__name__
    if detail.get("info"):
        text += f" ({detail['info']})"
    return text


def connect(settings: LdapSettings):
    """Open, secure and bind a connection; raises LdapUnavailable with a message safe to log and show."""
    password = ""
    if settings.bind_dn:
        try:
            password = Path(settings.password_file).read_text("utf-8").rstrip("\r\n")
        except OSError as error:
            raise SyncConfigError(f"Lösenordsfilen LDAP_BIND_PASSWORD_FILE kan inte läsas: {error.strerror}.") from None
    try:
        conn = ldap.initialize(settings.url)
        conn.set_option(ldap.OPT_PROTOCOL_VERSION, 3)
        conn.set_option(ldap.OPT_REFERRALS, 0)
        conn.set_option(ldap.OPT_NETWORK_TIMEOUT, settings.timeout)
        conn.set_option(ldap.OPT_TIMEOUT, settings.timeout)
        if settings.ca_file:
            conn.set_option(ldap.OPT_X_TLS_CACERTFILE, settings.ca_file)
        conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
        conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
        if settings.starttls and settings.url.startswith("ldap://"):
            conn.start_tls_s()
        conn.simple_bind_s(settings.bind_dn, password)
    except ldap.INVALID_CREDENTIALS:
        raise LdapUnavailable(f"LDAP-servern godtog inte inloggningen för {settings.bind_dn}.") from None
    except ldap.LDAPError as error:
        tls = settings.url.startswith("ldaps://") or settings.starttls
        hint = " Kontrollera serverns certifikat och LDAP_CA_FILE." if tls and isinstance(
            error, (ldap.CONNECT_ERROR, ldap.SERVER_DOWN)) else ""
        raise LdapUnavailable(f"LDAP-servern {settings.url} svarar inte: {_describe(error)}.{hint}") from None
    finally:
        password = ""  # noqa: F841 - drop the only reference as soon as the bind is done
    return conn


def paged_search(conn, base: str, filterstr: str, attributes: list[str],
                 page_size: int) -> Iterator[list[tuple[str, dict[str, list[bytes]]]]]:
    """Yield the entries of a subtree search one page (RFC 2696 paged results) at a time."""
    control = SimplePagedResultsControl(True, size=page_size, cookie=b"")
    while True:
        try:
            msgid = conn.search_ext(base, ldap.SCOPE_SUBTREE, filterstr, attributes, serverctrls=[control])
            _, rows, _, controls = conn.result3(msgid)
        except ldap.NO_SUCH_OBJECT:
            raise LdapUnavailable(f"Sökbasen {base} finns inte i LDAP.") from None
        except ldap.LDAPError as error:
            raise LdapUnavailable(f"LDAP-sökningen under {base} avbröts: {_describe(error)}") from None
        yield [(dn, entry) for dn, entry in rows if dn is not None]  # drop search references
        cookies = [c.cookie for c in controls if c.controlType == SimplePagedResultsControl.controlType]
        if not cookies or not cookies[0]:
            return
        control.cookie = cookies[0]


# --- Entries -> records -------------------------------------------------------------

def _one(entry: dict[str, list[bytes]], name: str) -> str | None:
    values = entry.get(name) or entry.get(name.lower())
    if not values:
        for key, found in entry.items():  # attribute names are case-insensitive in LDAP
            if key.lower() == name.lower():
                values = found
                break
    return values[0].decode("utf-8").strip() if values else None


def _all(entry: dict[str, list[bytes]], name: str) -> list[str]:
    for key, found in entry.items():
        if key.lower() == name.lower():
            return [v.decode("utf-8").strip() for v in found]
    return []


def _hsa_ref(text: str | None) -> str | None:
    """An HSA-ID reference (chef, ansvarig) in the form persons are stored in; None when absent."""
    if not text:
        return None
    try:
        return normalise_hsa_id(text)
    except InvalidIdentifier:
        return text.strip()


def _bool(text: str | None, default: bool) -> bool:
    return default if text is None else text.upper() == "TRUE"


def person_attributes(amap: dict) -> list[str]:
    """The attributes a person search asks for (modifyTimestamp drives incremental runs)."""
    keys = ("vgr_id", "hsa_id", "personnummer", "passnummer", "first_name", "last_name", "email", "titel",
            "ansvarsnummer", "engagement")
    return [amap[k] for k in keys] + ["modifyTimestamp"]


def _engagement(text: str, where: str) -> dict:
    parts = text.split("$")
    if len(parts) != 6:
        raise BadEntry(where, "engagemanget ska ha sex fält: enhet$typ$start$slut$primär$kostnadsställe")
    unit, kind, start, end, primary, ks = (p.strip() for p in parts)
    if kind not in ENGAGEMENT_KINDS:
        raise BadEntry(where, f"okänd engagemangstyp {kind!r}")
    try:
        start_day = date.fromisoformat(start)
        end_day = date.fromisoformat(end) if end else None
    except ValueError:
        raise BadEntry(where, "engagemanget har ett ogiltigt datum") from None
    if not unit:
        raise BadEntry(where, "engagemanget saknar enhet")
    return {"enhet": unit, "kind": kind, "start": start_day.isoformat(), "end": end_day.isoformat() if end_day else None,
            "primary": primary.upper() == "TRUE", "kostnadsstalle": ks or None}


def person_record(dn: str, entry: dict[str, list[bytes]], amap: dict) -> tuple[str, dict]:
    """(VGR-ID, clean record with engagements) of a person entry, or raise BadEntry (never naming the personnummer)."""
    raw = {name: _one(entry, amap[name]) for name in ("vgr_id", "hsa_id", "personnummer", "passnummer", "first_name",
                                                       "last_name", "email", "titel", "ansvarsnummer")}
    vgr = (raw["vgr_id"] or "").lower()
    errors: list[str] = []
    clean = check_person(raw, errors)
    present = vgr if vgr and not any("VGR-ID" in e for e in errors) else None
    where = f"person {vgr}" if present else dn
    if not raw["hsa_id"]:
        errors.append(f"person {vgr or '?'}: HSA-id saknas")
    if errors:
        raise BadEntry(where, "; ".join(e.split(": ", 1)[-1] for e in errors), present=present)
    clean["engagements"] = [_engagement(v, where) for v in _all(entry, amap["engagement"])]
    clean["modified"] = _one(entry, "modifyTimestamp")
    return vgr, clean


def unit_attributes(amap: dict) -> list[str]:
    """The attributes a unit search asks for."""
    return [amap[k] for k in ("unit_code", "unit_name", "unit_hsa_id", "vardenhet", "private_provider", "chef")]


def unit_record(dn: str, entry: dict[str, list[bytes]], amap: dict, base: str) -> tuple[str, dict] | None:
    """(code, record) of a unit entry; None for the base entry itself; BadEntry when it does not validate."""
    if dn.lower() == base.lower():
        return None
    depth = len(ldap.dn.str2dn(dn)) - len(ldap.dn.str2dn(base))
    code = _one(entry, amap["unit_code"])
    if not code:
        raise BadEntry(dn, "enheten saknar kod")
    hsa = _one(entry, amap["unit_hsa_id"])
    if hsa:
        try:
            hsa = normalise_hsa_id(hsa)
        except InvalidIdentifier:
            raise BadEntry(f"enhet {code}", "ogiltigt HSA-id") from None
    return code, {"dn": dn.lower(), "parent": dn.split(",", 1)[1].lower(), "depth": depth, "code": code,
                  "name": _one(entry, amap["unit_name"]) or code, "hsa_id": hsa,
                  "vardenhet": _bool(_one(entry, amap["vardenhet"]), True),
                  "private_provider": _bool(_one(entry, amap["private_provider"]), False),
                  "chef": _hsa_ref(_one(entry, amap["chef"]))}


def kostnadsstalle_attributes(amap: dict) -> list[str]:
    """The attributes a kostnadsställe search asks for."""
    return [amap[k] for k in ("kostnadsstalle_code", "kostnadsstalle_name", "kostnadsstalle_forvaltning",
                              "kostnadsstalle_ansvarig")]


def kostnadsstalle_record(dn: str, entry: dict[str, list[bytes]], amap: dict) -> tuple[str, dict] | None:
    """(code, record) of a kostnadsställe entry; None for entries without a code (the base)."""
    code = _one(entry, amap["kostnadsstalle_code"])
    if not code:
        return None
    return code, {"code": code, "name": _one(entry, amap["kostnadsstalle_name"]) or code,
                  "forvaltning": _one(entry, amap["kostnadsstalle_forvaltning"]),
                  "ansvarig": _hsa_ref(_one(entry, amap["kostnadsstalle_ansvarig"]))}
