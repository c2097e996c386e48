"""A private OpenLDAP server (slapd) for the demo, the tests and the LDAP benchmark.

slapd (Debian packages ``slapd`` and ``ldap-utils``) runs as an ordinary child
process on a loopback port with its own configuration folder; a system slapd is
never touched. The configuration is built with ``slapadd -n0`` from LDIF: the
standard core, cosine and inetOrgPerson schemas of the package and the KiV
schema the project ships (``beh_core/data/ldap/kiv-schema.ldif``). Data is loaded
offline with ``slapadd -q`` before the server starts (fast at 100,000 persons)
and changed later over LDAP like any client would.
"""
from __future__ import annotations

import base64
import hashlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

SCHEMA_FILE = Path(__file__).parent / "data" / "ldap" / "kiv-schema.ldif"
SYSTEM_SCHEMAS = ("core", "cosine", "inetorgperson")
SUFFIX = "dc=kiv,dc=example"
ADMIN_DN = f"cn=admin,{SUFFIX}"
SYNC_DN = f"cn=beh-sync,{SUFFIX}"
PERSON_BASE = f"ou=Personer,{SUFFIX}"
UNIT_BASE = f"ou=Enheter,{SUFFIX}"
KOSTNADSSTALLE_BASE = f"ou=Kostnadsstallen,{SUFFIX}"


class SlapdMissing(RuntimeError):
    """slapd or slapadd is not installed (apt-get install slapd ldap-utils)."""


def find_program(name: str) -> str:
    """Path of a slapd program (they live in /usr/sbin, often not on a user's PATH)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if not found:
        raise SlapdMissing(f"{name} saknas: installera Debianpaketen slapd och ldap-utils (scripts/setup.sh).")
    return found


def ssha(password: str) -> str:
    """An RFC 2307 {SSHA} hash of the password, as slapd stores userPassword."""
    salt = os.urandom(8)
    return "{SSHA}" + base64.b64encode(hashlib.sha1(password.encode() + salt).digest() + salt).decode()


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _module_path() -> str:
    for candidate in ("/usr/lib/ldap", "/usr/lib/x86_64-linux-gnu/ldap", "/usr/lib/aarch64-linux-gnu/ldap"):
        if Path(candidate, "back_mdb.la").exists() or Path(candidate, "back_mdb.so").exists():
            return candidate
    return "/usr/lib/ldap"


def _schema_dir() -> Path:
    return Path("/etc/ldap/schema")


class Slapd:
    """One slapd in ``folder`` listening on ldap://127.0.0.1:``port``.

    ``sync_password`` is the password of the read-only service account ``SYNC_DN``
    that the portal binds as; the admin (root DN) writes test changes.
    """

    def __init__(self, folder: Path, *, port: int | None = None, sync_password: str = "beh-sync",
                 admin_password: str = "beh-admin", tls: tuple[Path, Path] | None = None) -> None:
        self.folder = Path(folder)
        self.port = port or free_port()
        # (certificate, key) PEM files: then StartTLS on the ldap:// port and LDAPS on ``tls_port``.
        self.tls = tls
        self.tls_port = free_port() if tls else None
        self.sync_password = sync_password
        self.admin_password = admin_password
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The server's LDAP URL."""
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self) -> str:
        """The LDAPS URL (with ``tls`` only). By address: libldap checks "localhost" against the host's own name."""
        return f"ldaps://127.0.0.1:{self.tls_port}"

    @property
    def config_dir(self) -> Path:
        """The cn=config folder (slapd.d)."""
        return self.folder / "slapd.d"

    def _config_ldif(self) -> str:
        schemas = "".join(f"include: file://{_schema_dir() / name}.ldif\n" for name in SYSTEM_SCHEMAS)
        data = self.folder / "data"
        tls = f"olcTLSCertificateFile: {self.tls[0]}\nolcTLSCertificateKeyFile: {self.tls[1]}\n" if self.tls else ""
        return f"""dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: {self.folder / 'slapd.pid'}
olcArgsFile: {self.folder / 'slapd.args'}
{tls}
dn: cn=module{{0}},cn=config
objectClass: olcModuleList
cn: module{{0}}
olcModulePath: {_module_path()}
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

{schemas}include: file://{SCHEMA_FILE}

dn: olcDatabase={{-1}}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {{-1}}frontend

dn: olcDatabase={{0}}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {{0}}config
olcAccess: {{0}}to * by * none

dn: olcDatabase={{1}}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {{1}}mdb
olcDbDirectory: {data}
olcSuffix: {SUFFIX}
olcRootDN: {ADMIN_DN}
olcRootPW: {ssha(self.admin_password)}
olcDbMaxSize: 8589934592
olcDbIndex: objectClass eq
olcDbIndex: uid eq
olcDbIndex: modifyTimestamp eq
olcAccess: {{0}}to attrs=userPassword by anonymous auth by * none
olcAccess: {{1}}to * by dn.exact="{SYNC_DN}" read by * none
olcLimits: {{0}}dn.exact="{SYNC_DN}" size=unlimited time=unlimited

"""

    def base_ldif(self) -> str:
        """The suffix, the three bases and the portal's read-only service account."""
        return f"""dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
dc: kiv
o: KiV (demo)

dn: {PERSON_BASE}
objectClass: organizationalUnit
ou: Personer

dn: {UNIT_BASE}
objectClass: organizationalUnit
ou: Enheter

dn: {KOSTNADSSTALLE_BASE}
objectClass: organizationalUnit
ou: Kostnadsstallen

dn: {SYNC_DN}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: beh-sync
userPassword: {ssha(self.sync_password)}

"""

    def configure(self) -> None:
        """Write a fresh configuration and an empty database (the folder must not hold a running server)."""
        if self.config_dir.exists():
            shutil.rmtree(self.config_dir)
        shutil.rmtree(self.folder / "data", ignore_errors=True)
        self.config_dir.mkdir(parents=True)
        (self.folder / "data").mkdir()
        config = self.folder / "config.ldif"
        config.write_text(self._config_ldif(), "utf-8")
        self._run(find_program("slapadd"), "-n0", "-F", str(self.config_dir), "-l", str(config))

    def load(self, ldif: Path) -> None:
        """Bulk-load an LDIF file offline (``slapadd -q``); only while the server is stopped."""
        if self.process is not None:
            raise RuntimeError("slapadd kräver att slapd är stoppad.")
        self._run(find_program("slapadd"), "-q", "-n1", "-F", str(self.config_dir), "-l", str(ldif))

    def start(self, timeout: float = 20.0) -> None:
        """Start slapd in the foreground of a child process and wait until it answers."""
        log = open(self.folder / "slapd.log", "ab")  # noqa: SIM115 - closed with the process in stop()
        self.process = subprocess.Popen(
            [find_program("slapd"), "-h", self.url + (f" ldaps://127.0.0.1:{self.tls_port}" if self.tls else ""),
             "-F", str(self.config_dir), "-d", "0"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self._log = log
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd avslutades vid start: {(self.folder / 'slapd.log').read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("slapd svarade inte inom tidsgränsen.")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and wait for it."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self._log.close()

    def kill(self) -> None:
        """Stop the server abruptly (SIGKILL): a crash or a pulled cable as the client sees it."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.stop()

    def admin(self):
        """A python-ldap connection bound as the admin (root DN), for test and demo changes."""
        import ldap

        conn = ldap.initialize(self.url)
        conn.protocol_version = 3
        conn.simple_bind_s(ADMIN_DN, self.admin_password)
        return conn

    @staticmethod
    def _run(*args: str) -> None:
        result = subprocess.run(args, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} misslyckades: {result.stderr.strip()[-2000:]}")
