"""Messages of the operations in the page's language (see beh_core/messages.py).

``message_text`` is a template global: the error macros, the error summary, flashes and the
error page pass every message through it, so a view hands the operation's errors to the
template as they are. A view that keeps a message beyond the request (a flash, the wizard's
draft) translates it first with ``translated`` / ``message_text``.
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import gettext

from ..messages import Message


def message_text(value: Any) -> Any:
    """The message in the current language: a Message by its msgid and translated parameters; a plain
    string (a plugin's message, a parameterless msgid kept as text) looked up as it is."""
    if isinstance(value, Message):
        params = {name: message_text(v) if isinstance(v, Message) else v for name, v in value.params.items()}
        text = gettext(value.msgid, **params) if params else gettext(value.msgid)
        return text.lower() if value.case == "lower" else text
    if isinstance(value, str) and value.strip():
        return gettext(value)
    return value


def translated(errors: dict[str, Any]) -> dict[str, Any]:
    """Every message of an error dict in the current language (before it is stored or flashed)."""
    return {key: message_text(value) for key, value in errors.items()}


def init_app(app: Flask) -> None:
    """Make ``message_text`` a template global and filter."""
    app.jinja_env.globals["message_text"] = message_text
    app.jinja_env.filters["message_text"] = message_text
