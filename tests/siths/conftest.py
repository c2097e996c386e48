"""The SITHS test fixtures (SoftHSM2 demo PKI, pcscd, the vicc virtual card)
live in ``tests/siths_fixtures.py``, a pytest plugin loaded by
``tests/conftest.py``, so that the portal tests in ``tests/`` share the same
session-wide SoftHSM token directory and the one pcscd a machine can run.
Shared constants are in ``tests/siths_sim.py``.
"""
