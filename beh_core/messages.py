"""Messages for the user made below the views: a Swedish msgid with its parameters kept apart.

Operations must not import Flask, so they cannot translate. They write
``N_("Välj område.")`` or ``N_("%(item)s är redan utförd.", item=line.item_name)``
wherever a message reaches a user (``ValidationFailed``, ``Conflict``, ``NotFound``,
``Forbidden``, a reason shown on a page). A ``Message`` is a ``str`` whose value is the
Swedish text, so logs, mails, tests and string operations see Swedish as before; it also
carries the msgid and the parameters, so the page translates it: the views' ``message_text``
(a template global used by the error macros, the error summary, flashes and error pages)
looks the msgid up in the current language and fills in the parameters, translated too when
they are Messages themselves (a field label declared by a plugin: ``label(spec.label)``).

pybabel finds ``N_`` (a default keyword); the English is added in scripts/translate_en.py.
tests/test_service_messages.py fails when an operation raises a sentence that is not a msgid.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class Message(str):
    """A user message: ``str(message)`` is the Swedish text; ``msgid`` and ``params`` let a page translate it.

    ``case="lower"`` lowercases the text after translation (a label in the middle of a sentence).
    """

    msgid: str
    params: dict[str, Any]
    case: str

    def __new__(cls, msgid: str, params: Mapping[str, Any] | None = None, case: str = "") -> "Message":
        params = dict(params or {})
        text = msgid % params if params else msgid
        if case == "lower":
            text = text.lower()
        made = super().__new__(cls, text)
        made.msgid, made.params, made.case = msgid, params, case
        return made

    def __reduce__(self):
        # copy.deepcopy and pickle rebuild the Message, not a bare str.
        return (Message, (self.msgid, self.params, self.case))

    def lower(self) -> "Message":  # type: ignore[override]
        """The same message, lowercased after translation ("Attest" in "… göra attest för …")."""
        return Message(self.msgid, self.params, "lower")


def N_(msgid: str, /, **params: Any) -> Message:
    """Mark a Swedish message for translation, with its parameters kept apart (``%(name)s`` in the msgid)."""
    return Message(msgid, params)


def label(text: str) -> Message:
    """A declared label or title used as a parameter (translated through the plugins' catalogues too)."""
    return text if isinstance(text, Message) else Message(text)


def join(parts: Iterable[str], separator: str = " ") -> Message:
    """Several messages shown as one (each translated on its own), e.g. one problem per marked delegation."""
    parts = list(parts)
    msgid = separator.join(f"%(p{index})s" for index in range(len(parts))).replace("%(", "\0").replace(
        "%", "%%").replace("\0", "%(")
    return Message(msgid, {f"p{index}": part for index, part in enumerate(parts)})
