"""Inloggningsuppgifter: secret feedback values encrypted at rest with Fernet (MultiFernet for rotation).

Keys come from the setting ``CREDENTIALS_KEYS`` (environment ``BEH_CREDENTIALS_KEYS``,
comma-separated, newest first). Without keys, development and tests derive one
from ``SECRET_KEY``; production must set them (docs/operations.md).
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..messages import N_
from .. import audit
from ..models import Credential

log = logging.getLogger(__name__)


class CredentialsUnreadable(RuntimeError):
    """No configured key can decrypt a stored value (a key was removed before rotation)."""


def derived_key(secret: str) -> bytes:
    """A Fernet key derived from the instance secret (development and tests only)."""
    return base64.urlsafe_b64encode(hashlib.sha256(b"beh-credentials:" + secret.encode()).digest())


def generate_key() -> str:
    """A new random Fernet key, for ``flask beh new-credentials-key``."""
    return Fernet.generate_key().decode()


def fernet(config) -> MultiFernet:
    """The MultiFernet of the configured keys: encrypts with the first, decrypts with any."""
    keys = config.get("CREDENTIALS_KEYS") or []
    if isinstance(keys, str):
        keys = [k.strip() for k in keys.split(",") if k.strip()]
    if not keys:
        if not (config.get("TESTING") or config.get("DEBUG") or config.get("DEMO")):
            log.warning("CREDENTIALS_KEYS is not set: credentials use a key derived from SECRET_KEY")
        keys = [derived_key(str(config["SECRET_KEY"]))]
    return MultiFernet([Fernet(k) for k in keys])


def encrypt(values: dict[str, str], config) -> str:
    """Encrypt a {field: value} dict into a Fernet token (text)."""
    return fernet(config).encrypt(json.dumps(values, ensure_ascii=False).encode()).decode()


def decrypt(token: str, config) -> dict[str, str]:
    """Decrypt a token made by encrypt; CredentialsUnreadable when no key fits."""
    try:
        return json.loads(fernet(config).decrypt(token.encode()))
    except InvalidToken as error:
        raise CredentialsUnreadable(N_("Inloggningsuppgifterna kan inte läsas med de nycklar som är inställda.")) from error


def rotate_all(session: Session, config, batch: int = 500) -> int:
    """Re-encrypt every stored credential with the first (newest) key; one audit event; returns the count."""
    multi = fernet(config)
    count, last_id = 0, 0
    while True:
        rows = list(session.scalars(
            select(Credential).where(Credential.id > last_id).order_by(Credential.id).limit(batch)))
        if not rows:
            break
        for row in rows:
            try:
                row.ciphertext = multi.rotate(row.ciphertext.encode()).decode()
            except InvalidToken as error:
                raise CredentialsUnreadable(f"Credential {row.id} cannot be decrypted with any configured key") from error
            count += 1
        last_id = rows[-1].id
        session.flush()
    audit.record(session, None, "credentials.rotated", "credentials", "all", count=count)
    session.commit()
    return count


# --- The orderer's Inloggningsuppgifter --------------------------------------------

def has_credentials(session: Session, order_id: int) -> bool:
    """True while the order has stored (not deleted) credentials."""
    return session.scalar(select(Credential.id).where(Credential.order_id == order_id).limit(1)) is not None


def orders_with_credentials(session: Session, order_ids: list[int]) -> set[int]:
    """Which of the orders have stored credentials (one query for a whole list page)."""
    if not order_ids:
        return set()
    return set(session.scalars(select(Credential.order_id).where(Credential.order_id.in_(order_ids)).distinct()))


def lines_with_credentials(session: Session, order_id: int) -> set[int]:
    """Ids of the order's lines that have stored credentials (what Ta bort lösenordsuppgifter removes)."""
    return set(session.scalars(select(Credential.line_id).where(Credential.order_id == order_id)))


def read_credentials(session: Session, actor, order, config) -> dict[int, dict[str, str]]:
    """Inloggningsuppgifter: line id -> {field: value}; only the orderer; every viewing is audited."""
    from .. import authz

    authz.require(authz.may_read_credentials(actor, order), N_("Bara beställaren kan se inloggningsuppgifterna."))
    rows = list(session.scalars(select(Credential).where(Credential.order_id == order.id).order_by(Credential.line_id)))
    if not rows:
        return {}
    values = {row.line_id: decrypt(row.ciphertext, config) for row in rows}
    # No state change: the transaction holds only the audit event of the viewing.
    audit.record(session, actor, "credentials.viewed", "order", order.number, lines=sorted(values))
    session.commit()
    return values


def delete_credentials(session: Session, actor, order) -> int:
    """Ta bort lösenordsuppgifter: delete the order's credentials for good; returns how many lines had some."""
    from .. import authz

    authz.require(authz.may_read_credentials(actor, order), N_("Bara beställaren kan ta bort inloggningsuppgifterna."))
    # One DELETE statement: two clicks at once delete once, the second finds nothing (and records nothing).
    deleted = session.execute(delete(Credential).where(Credential.order_id == order.id)
                              .execution_options(synchronize_session=False)).rowcount
    if not deleted:
        session.rollback()
        return 0
    audit.record(session, actor, "credentials.deleted", "order", order.number, lines=deleted)
    session.commit()
    return deleted
