"""Katalogsynk över TLS: StartTLS och LDAPS mot slapd med ett certifikat från en egen CA; fel CA vägras."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from ipaddress import IPv4Address

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from beh_core import ldap_region
from beh_core.db import get_database
from beh_core.ldap_server import Slapd
from beh_core.services.directory_sync import sync_directory
from helpers import make_config
from ldap_fixtures import BIND_PASSWORD, Kiv, require_slapd


def _ca(name: str):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def _pem(folder, name: str, cert, key=None):
    (folder / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    if key is not None:
        (folder / f"{name}.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                               serialization.PrivateFormat.PKCS8,
                                                               serialization.NoEncryption()))
    return folder / f"{name}.pem"


@pytest.fixture
def tls_kiv(tmp_path):
    """slapd with StartTLS and LDAPS, its certificate (for localhost) issued by a test CA; a second, foreign CA."""
    require_slapd()
    folder = tmp_path / "kiv"
    folder.mkdir()
    ca_key, ca = _ca("BEH test-CA")
    _, foreign = _ca("Främmande CA")
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(timezone.utc)
    server_cert = (x509.CertificateBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
                   .issuer_name(ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=2))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                               x509.IPAddress(IPv4Address("127.0.0.1"))]), critical=False)
                   .sign(ca_key, hashes.SHA256()))
    cert_file = _pem(folder, "server", server_cert, key)
    server = Slapd(folder, sync_password=BIND_PASSWORD, tls=(cert_file, folder / "server.key"))
    server.configure()
    with open(folder / "region.ldif", "w", encoding="utf-8") as out:
        ldap_region.write_ldif(out, 50, server.base_ldif(), today=date.today())
    server.load(folder / "region.ldif")
    server.start()
    yield Kiv(server, folder, 50), _pem(folder, "ca", ca), _pem(folder, "foreign", foreign)
    server.stop()


@pytest.fixture
def app_config(migrated, tmp_path, tls_kiv):
    kiv, ca_file, _ = tls_kiv
    return make_config(migrated, tmp_path, **kiv.settings(
        LDAP_URL=kiv.server.url, LDAP_STARTTLS=True, LDAP_CA_FILE=str(ca_file)))


def sync(app, **options):
    with get_database(app).sessionmaker() as session:
        return sync_directory(session, app.config, **options)


def test_starttls_med_regionens_ca_fungerar(app):
    report = sync(app)
    assert report.status == "ok" and report.counts["nya_personer"] == 50


def test_ldaps_med_regionens_ca_fungerar(app, tls_kiv):
    app.config.update(LDAP_URL=tls_kiv[0].server.ldaps_url, LDAP_STARTTLS=False)
    report = sync(app)
    assert report.status == "ok" and report.counts["nya_personer"] == 50


def test_ett_certifikat_från_fel_ca_vägras_och_ingenting_ändras(app, tls_kiv):
    app.config["LDAP_CA_FILE"] = str(tls_kiv[2])
    for url, starttls in ((app.config["LDAP_URL"], True), (tls_kiv[0].server.ldaps_url, False)):
        app.config.update(LDAP_URL=url, LDAP_STARTTLS=starttls)
        report = sync(app)
        assert report.status == "failed" and "LDAP_CA_FILE" in report.message, report.message
        assert BIND_PASSWORD not in report.message
        assert "nya_personer" not in report.counts
