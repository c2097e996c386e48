"""Links in e-mails that work only for their addressee: /l/<signed token>.

The token carries the addressee's person id and the target path, signed with
the app's secret (itsdangerous). The link view requires login, compares the
logged-in person with the addressee (403 otherwise) and then redirects to the
target, which checks its own rights as usual.
"""
from __future__ import annotations

from dataclasses import dataclass

from typing import Any, Mapping

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..messages import N_
from ..authz import Forbidden
from .errors import NotFound

SALT = "beh.mail-link"


@dataclass(frozen=True)
class LinkTarget:
    """What a valid token says: who may follow it and where it leads."""

    person_id: int
    path: str


def _serializer(config: Mapping[str, Any]) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(config["SECRET_KEY"], salt=SALT)


def make_token(config: Mapping[str, Any], person_id: int, path: str) -> str:
    """Sign (addressee, local path) into a URL-safe token."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError("A mail link must point to a local path")
    return _serializer(config).dumps({"p": person_id, "t": path})


def link_url(config: Mapping[str, Any], person_id: int, path: str) -> str:
    """The absolute URL of a personal link (BASE_URL + /l/<token>)."""
    return config["BASE_URL"].rstrip("/") + "/l/" + make_token(config, person_id, path)


def read_token(config: Mapping[str, Any], token: str) -> LinkTarget:
    """Check the signature and age of a token; NotFound when forged or expired."""
    max_age = int(config.get("MAIL_LINK_MAX_AGE_DAYS", 60)) * 86400
    try:
        data = _serializer(config).loads(token, max_age=max_age)
    except SignatureExpired as expired:
        raise NotFound(N_("Länken har gått ut. Logga in och öppna beställningen från startsidan.")) from expired
    except BadSignature as bad:
        raise NotFound(N_("Länken är ogiltig.")) from bad
    path = str(data.get("t", ""))
    if not path.startswith("/") or path.startswith("//"):
        raise NotFound(N_("Länken är ogiltig."))
    return LinkTarget(int(data["p"]), path)


def follow(config: Mapping[str, Any], token: str, person_id: int) -> str:
    """The target path of a token for the logged-in person; Forbidden when the link is someone else's."""
    target = read_token(config, token)
    if target.person_id != person_id:
        raise Forbidden(N_("Länken gäller bara den person som e-postmeddelandet skickades till."))
    return target.path
