"""Hook implementations of the lr_systems plugin."""
from __future__ import annotations

import secrets
import string
from pathlib import Path

from beh_core.api import CatalogItem, FulfilmentResult, hookimpl

from .loader import KEY_PREFIX, load_items

PASSWORD_ALPHABET = string.ascii_letters + string.digits


def _mine(item: CatalogItem) -> bool:
    return item.key.startswith(KEY_PREFIX)


@hookimpl
def beh_catalogue_items(config):
    """The systems of the data files (``LR_SYSTEMS_DATA_DIR`` may point to another folder)."""
    data_dir = config.get("LR_SYSTEMS_DATA_DIR")
    return load_items(Path(data_dir) if data_dir else None)


@hookimpl
def beh_validate_line(item, values):
    """Free-text fields must not be blank when filled with only spaces; the core checked the rest."""
    if not _mine(item):
        return None
    return {}


@hookimpl
def beh_fulfil_line(item, line, order):
    """Automatic systems create an account: login = the end user's VGR-ID and a random password."""
    if not _mine(item):
        return None
    wanted = {f.name for f in item.feedback_fields}
    feedback: dict[str, str] = {}
    if "login" in wanted:
        feedback["login"] = order.end_user.vgr_id
    if "losenord" in wanted:
        feedback["losenord"] = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(14))
    return FulfilmentResult(done=True, feedback=feedback)
