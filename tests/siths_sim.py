"""Constants and small helpers shared by the SITHS tests (imported by name,
because tests/siths is not a package: ``siths`` would clash with the library)."""
from __future__ import annotations

import time

PIN, SO_PIN = "123456", "87654321"
ANNA = ("SE2321000131-P000000101481", "Anna", "Andersson")
BO = ("SE2321000131-P000000000002", "Bo", "Berg")
EVA_EC = ("SE2321000131-P000000000003", "Eva", "Ek")
ORIGIN = "https://beh.test.example"


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.1):
    """Poll ``predicate`` until it returns a truthy value; return it (or the last)."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    return value
