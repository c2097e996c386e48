"""Helpers for tests: a browser-like client and small lookups. Import with ``from helpers import ...``."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from beh_core.models import Person

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A test client that behaves like a browser with cookies and CSRF tokens."""

    def __init__(self, client) -> None:
        self.client = client
        self.token: str | None = None

    def _remember(self, response):
        match = CSRF_RE.search(response.get_data(as_text=True))
        if match:
            self.token = match.group(1)
        return response

    def get(self, url: str, **kwargs):
        """GET a page and remember its CSRF token."""
        return self._remember(self.client.get(url, **kwargs))

    def post(self, url: str, data: dict | None = None, *, csrf: bool = True, **kwargs):
        """POST a form with the CSRF token of the last page (like a browser)."""
        payload = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login")
            payload.setdefault("csrf_token", self.token)
        return self._remember(self.client.post(url, data=payload, **kwargs))

    def login(self, vgr_id: str):
        """Log in with the demo login."""
        self.get("/login")
        response = self.post("/login/demo", {"vgr_id": vgr_id})
        assert response.status_code == 302, response.get_data(as_text=True)
        self.get("/")
        return response


def person(db, vgr_id: str) -> Person:
    """The person with the VGR-ID."""
    return db.scalar(select(Person).where(Person.vgr_id == vgr_id))


def text_of(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)

