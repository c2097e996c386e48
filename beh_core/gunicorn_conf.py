"""gunicorn settings for serving the portal: ``gunicorn -c python:beh_core.gunicorn_conf 'beh_core:create_app()'``.

Only what the portal itself needs of its server; the address, the number of workers and the logs stay
on the command line (docs/operations.md).
"""
from __future__ import annotations

import gc


def post_worker_init(worker) -> None:
    """Set the worker's start-up objects aside from the garbage collector once the app is loaded.

    The app, its plugins, SQLAlchemy's mappers and the imported modules live as long as the worker. Left
    in the collector's oldest generation, every full collection walks all of them again, a few million
    instructions that fall on whichever request crosses the threshold (about 3 % of a list page's
    instructions on average, docs/performance.md). ``gc.freeze`` moves them to a generation the collector
    never scans; they are still freed by reference counting. Collected first, so no garbage is frozen.
    """
    gc.collect()
    gc.freeze()
