"""A demo SITHS-like PKI on SoftHSM2 tokens - for tests, demos and development.

``create_demo_pki`` makes a root CA and a person CA (software keys written to
``out_dir`` - demo only!), one SoftHSM2 token per identity (the agent serves
one card = one token; label = HSA-ID), and on each token an authentication and
a signing key pair generated *on the token*, with their certificates stored
under the same CKA_ID.  It writes ``root-ca.pem``, ``person-ca.pem``,
``chain.pem`` (person CA + root), ``root.crl.pem`` and ``person-ca.crl.pem``.

SoftHSM2 reads ``SOFTHSM2_CONF`` once per process, when the module is first
loaded: call ``write_softhsm_conf`` (or set the variable) before anything
loads python-pkcs11's library.  Tokens made later are picked up by
``lib.reinitialize()``, which closes every session in the process.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass, field

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters
from pkcs11.util.rsa import encode_rsa_public_key

from .token import DEFAULT_MODULE

NAME_PREFIX = "BEH DEMO SITHS e-id"
AUTH_ID, SIGN_ID = b"\x01", b"\x02"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


@dataclass
class DemoCA:
    """A CA certificate with its (software) private key."""

    cert: x509.Certificate
    key: object

    @property
    def pem(self) -> bytes:
        """The CA certificate as PEM."""
        return self.cert.public_bytes(serialization.Encoding.PEM)


@dataclass
class DemoIdentity:
    """One demo person: their token and certificates."""

    hsa_id: str
    given_name: str
    surname: str
    token_label: str
    auth_cert: x509.Certificate
    sign_cert: x509.Certificate


@dataclass
class DemoPki:
    """Everything ``create_demo_pki`` made, with file paths."""

    out_dir: str
    root: DemoCA
    person_ca: DemoCA
    softhsm_conf: str
    module_path: str
    identities: dict[str, DemoIdentity] = field(default_factory=dict)
    revoked: dict[int, dt.datetime] = field(default_factory=dict)

    @property
    def root_pem_path(self) -> str:
        """Trust anchor file (the demo root)."""
        return os.path.join(self.out_dir, "root-ca.pem")

    @property
    def chain_pem_path(self) -> str:
        """Person CA + root, for the agent's ``--chain``."""
        return os.path.join(self.out_dir, "chain.pem")

    @property
    def crl_paths(self) -> list[str]:
        """The CRL files (root CRL and person CA CRL)."""
        return [os.path.join(self.out_dir, n) for n in ("root.crl.pem", "person-ca.crl.pem")]

    def revoke(self, cert: x509.Certificate, when: dt.datetime | None = None) -> None:
        """Revoke ``cert`` (issued by the person CA) and rewrite the person CA CRL."""
        self.revoked[cert.serial_number] = when or _utcnow() - dt.timedelta(minutes=1)
        write_crl(self.person_ca, self.revoked, self.crl_paths[1])


def write_softhsm_conf(conf_dir: str, *, set_env: bool = True) -> str:
    """Write ``softhsm2.conf`` with a token dir inside ``conf_dir``; return its path."""
    tokendir = os.path.join(conf_dir, "tokens")
    os.makedirs(tokendir, exist_ok=True)
    path = os.path.join(conf_dir, "softhsm2.conf")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f"directories.tokendir = {tokendir}\nobjectstore.backend = file\n"
                 "log.level = ERROR\nslots.removable = false\n")
    if set_env:
        os.environ["SOFTHSM2_CONF"] = path
    return path


def make_ca(common_name: str, issuer: DemoCA | None = None, *, days: int = 3650) -> DemoCA:
    """Make a CA: self-signed root if ``issuer`` is None, else an intermediate."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "BEH Demo"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = _utcnow()
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    b = (x509.CertificateBuilder().subject_name(name)
         .issuer_name(issuer.cert.subject if issuer else name)
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=days))
         .add_extension(x509.BasicConstraints(ca=True, path_length=None if issuer is None else 0), True)
         .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), True)
         .add_extension(ski, False))
    if issuer:
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer.key.public_key()), False)
    cert = b.sign(issuer.key if issuer else key, hashes.SHA256())
    return DemoCA(cert, key)


def issue_person_certificate(ca: DemoCA, public_key, hsa_id: str, given_name: str,
                             surname: str, usage: str, *, not_before: dt.datetime | None = None,
                             not_after: dt.datetime | None = None,
                             key_usage: x509.KeyUsage | None = None,
                             eku: list | None = None) -> x509.Certificate:
    """Issue an end-entity certificate like SITHS does (serialNumber = HSA-ID).

    ``usage`` "authentication" -> digitalSignature + keyEncipherment + clientAuth;
    "signing" -> nonRepudiation.  ``key_usage``/``eku``/dates override, which
    is how tests make deliberately bad certificates.
    """
    now = _utcnow()
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
        x509.NameAttribute(NameOID.GIVEN_NAME, given_name),
        x509.NameAttribute(NameOID.SURNAME, surname),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, hsa_id),
        x509.NameAttribute(NameOID.COMMON_NAME, f"{given_name} {surname}"),
    ])
    if key_usage is None:
        auth = usage == "authentication"
        key_usage = x509.KeyUsage(digital_signature=auth, content_commitment=not auth,
                                  key_encipherment=auth, data_encipherment=False,
                                  key_agreement=False, key_cert_sign=False, crl_sign=False,
                                  encipher_only=False, decipher_only=False)
    if eku is None and usage == "authentication":
        eku = [ExtendedKeyUsageOID.CLIENT_AUTH]
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca.cert.subject)
         .public_key(public_key).serial_number(x509.random_serial_number())
         .not_valid_before(not_before or now - dt.timedelta(days=1))
         .not_valid_after(not_after or now + dt.timedelta(days=5 * 365))
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
         .add_extension(key_usage, True)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), False))
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage(eku), False)
    return b.sign(ca.key, hashes.SHA256())


def make_crl(ca: DemoCA, revoked: dict[int, dt.datetime], *, last_update: dt.datetime | None = None,
             next_update: dt.datetime | None = None) -> x509.CertificateRevocationList:
    """Make a CRL by ``ca`` listing ``revoked`` {serial: revocation time}."""
    now = _utcnow()
    b = (x509.CertificateRevocationListBuilder().issuer_name(ca.cert.subject)
         .last_update(last_update or now - dt.timedelta(minutes=5))
         .next_update(next_update or now + dt.timedelta(days=7)))
    for serial, when in revoked.items():
        b = b.add_revoked_certificate(x509.RevokedCertificateBuilder()
                                      .serial_number(serial).revocation_date(when).build())
    return b.sign(ca.key, hashes.SHA256())


def write_crl(ca: DemoCA, revoked: dict[int, dt.datetime], path: str) -> None:
    """Write a fresh CRL for ``ca`` as PEM to ``path``."""
    with open(path, "wb") as fh:
        fh.write(make_crl(ca, revoked).public_bytes(serialization.Encoding.PEM))


def init_token(label: str, pin: str, so_pin: str) -> None:
    """Initialise a new SoftHSM2 token (uses ``SOFTHSM2_CONF`` from the environment)."""
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", label,
                    "--so-pin", so_pin, "--pin", pin], check=True, capture_output=True)


def generate_key_on_token(session, key_id: bytes, label: str, key_type: str = "rsa"):
    """Generate a key pair on the token; return the public key as a cryptography object."""
    if key_type == "rsa":
        pub, _ = session.generate_keypair(KeyType.RSA, 2048, id=key_id, label=label, store=True)
        return serialization.load_der_public_key(encode_rsa_public_key(pub))
    params = session.create_domain_parameters(
        KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True)
    pub, _ = params.generate_keypair(id=key_id, label=label, store=True)
    return serialization.load_der_public_key(encode_ec_public_key(pub))


def store_certificate(session, cert: x509.Certificate, key_id: bytes, label: str) -> None:
    """Store ``cert`` on the token as a CKO_CERTIFICATE with CKA_ID ``key_id``."""
    session.create_object({
        Attribute.CLASS: ObjectClass.CERTIFICATE,
        Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
        Attribute.TOKEN: True, Attribute.ID: key_id, Attribute.LABEL: label,
        Attribute.SUBJECT: cert.subject.public_bytes(),
        Attribute.ISSUER: cert.issuer.public_bytes(),
        Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
    })


def create_demo_pki(out_dir: str, identities: list[tuple[str, str, str]], softhsm_conf_dir: str,
                    pin: str, so_pin: str, *, key_type: str = "rsa",
                    module_path: str = DEFAULT_MODULE) -> DemoPki:
    """Create the demo PKI and one token per (hsa_id, given_name, surname).

    ``key_type``: "rsa" (2048) or "ec" (P-256).  Returns a ``DemoPki``.
    """
    os.makedirs(out_dir, exist_ok=True)
    conf = write_softhsm_conf(softhsm_conf_dir)
    root = make_ca(f"{NAME_PREFIX} Root CA v2")
    person = make_ca(f"{NAME_PREFIX} Person HSA-id 3 CA v1", root)
    pki = DemoPki(out_dir, root, person, conf, module_path)
    for name, ca in (("root-ca", root), ("person-ca", person)):
        with open(os.path.join(out_dir, f"{name}.pem"), "wb") as fh:
            fh.write(ca.pem)
        with open(os.path.join(out_dir, f"{name}.key.pem"), "wb") as fh:  # demo only
            fh.write(ca.key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    with open(pki.chain_pem_path, "wb") as fh:
        fh.write(person.pem + root.pem)
    write_crl(root, {}, pki.crl_paths[0])
    write_crl(person, {}, pki.crl_paths[1])
    for hsa_id, _, _ in identities:
        init_token(hsa_id[:32], pin, so_pin)
    lib = pkcs11.lib(module_path)
    lib.reinitialize()  # make tokens created by softhsm2-util visible in this process
    for hsa_id, given, surname in identities:
        label = hsa_id[:32]
        with lib.get_token(token_label=label).open(user_pin=pin, rw=True) as session:
            certs = {}
            for usage, kid in (("authentication", AUTH_ID), ("signing", SIGN_ID)):
                pub = generate_key_on_token(session, kid, usage, key_type)
                certs[usage] = issue_person_certificate(person, pub, hsa_id, given, surname, usage)
                store_certificate(session, certs[usage], kid, usage)
            # Real cards often carry the issuing CA too; the agent sends it along.
            store_certificate(session, person.cert, b"\xca", "person-ca")
        pki.identities[hsa_id] = DemoIdentity(hsa_id, given, surname, label,
                                              certs["authentication"], certs["signing"])
    return pki
