"""Where the agent gets the card PIN from.

The PIN never travels in an HTTP request: the page and the server never see
it.  The agent asks a ``PinProvider``.  In production that is an interactive
prompt on the user's own terminal (or a GUI dialog in a packaged agent); tests
and demos read it from a file or an environment variable named on the agent
command line.  Returning ``None`` means the user cancelled.
"""
from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PinRequest:
    """What the user is asked to approve: shown in interactive prompts."""

    usage: str           # "authentication" or "signing"
    token_label: str | None
    origin: str          # the portal that asks
    data_sha256: str     # fingerprint of what will be signed
    description: str | None = None  # optional text from the page (display only)


class PinProvider(Protocol):
    """Returns the PIN for a request, or None if the user cancelled."""

    def get_pin(self, request: PinRequest) -> str | None:
        """Return the PIN for ``request`` or None."""


class FilePinProvider:
    """Reads the PIN from a file (first line) on every request - tests/demo only."""

    def __init__(self, path: str):
        self.path = path

    def get_pin(self, request: PinRequest) -> str | None:
        """Return the first line of the file."""
        with open(self.path, encoding="utf-8") as fh:
            return fh.readline().rstrip("\r\n")


class EnvPinProvider:
    """Reads the PIN from an environment variable - tests/demo only."""

    def __init__(self, variable: str = "BEH_SITHS_PIN"):
        self.variable = variable

    def get_pin(self, request: PinRequest) -> str | None:
        """Return the variable's value (None if unset)."""
        return os.environ.get(self.variable)


class StaticPinProvider:
    """A fixed PIN, for in-process tests."""

    def __init__(self, pin: str | None):
        self.pin = pin

    def get_pin(self, request: PinRequest) -> str | None:
        """Return the fixed PIN."""
        return self.pin


class TtyPinProvider:
    """Asks on the controlling terminal, showing who asks and for what.

    Reading from /dev/tty (getpass) keeps the PIN off the agent's stdin/logs.
    An empty answer cancels.
    """

    def get_pin(self, request: PinRequest) -> str | None:
        """Prompt for the PIN; empty input means cancel."""
        what = "logga in" if request.usage == "authentication" else "skriva under"
        print(f"\n{request.origin} vill att du {what} med ditt SITHS-kort.")
        if request.description:
            print(f"Beskrivning: {request.description[:200]}")
        print(f"Data (SHA-256): {request.data_sha256}")
        pin = getpass.getpass("PIN (tom rad = avbryt): ")
        return pin or None
