"""SITHS views (thin): card login, mutual-TLS login, card removal, the signing window.

The work is done in ``services.siths_login`` and ``services.signing``; here
we parse requests, call one operation and answer.  The blueprint also

* opens card sessions through ``auth.start_session`` (the server-side record
  that every request checks, so an ended session's copied cookie is refused);
* adds ``static/siths.js`` to the pages of card sessions so that the page
  follows the card state in the local agent and logs out when it is removed.
"""
from __future__ import annotations

import base64

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect,
                   render_template, request, session, url_for)
from flask_babel import gettext, ngettext
from flask_login import current_user, logout_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from siths import SithsError
from siths.texts import AGENT_TEXTS

from .. import authz
from ..db import get_session
from ..labels import KIND_LABELS, _N
from ..security_headers import peer_address
from ..services import signing, signing_batch, siths_login
from ..services.errors import NotFound, ValidationFailed
from ..services.order_queries import STATUS_LABELS, load_order
from .access import after_decision_url, current_actor, public, requires, runtime
from .forms import InputForm, TextAreaField, TrimmedStringField, field_errors
from .messages import message_text, translated
from .auth import (CARD_END_REASONS, CARD_KEY, ENDED_KEY, _on_logout, _safe_next,  # noqa: F401 - _on_logout: tests
                   clear_session, end_current_session, start_session)

bp = Blueprint("siths", __name__)

# What siths.js says itself, by its Swedish text; the page hands it their translations (``script_texts``).
SCRIPT_TEXTS = (
    _N("SITHS-tjänsten svarade med ett fel."),
    _N("Kunde inte nå BEH:s kortagent på din dator. Kontrollera att den är startad."),
    _N("Inloggningen kunde inte startas."),
    _N("Ange din kod för identifiering i kortagenten …"),
    _N("Loggar in …"),
    _N("Tänk på att använda PIN-koden för Underskrift/Signering."),
    _N("Ange din PIN-kod för Underskrift/Signering i kortagenten …"),
    _N("Skickar signaturen …"),
)


def siths_message(exc: SithsError) -> str:
    """A SITHS error's text in the page's language: its msgid translated, its values filled in."""
    return gettext(exc.msgid, **exc.params) if exc.params else gettext(exc.msgid)


def script_texts() -> dict[str, str]:
    """Swedish text -> the page's language, for what siths.js shows: its own texts and the local agent's
    answers (the agent speaks Swedish; the page translates). Empty in Swedish."""
    texts = {}
    for text in (*SCRIPT_TEXTS, *AGENT_TEXTS):
        shown = gettext(text)
        if shown != text:
            texts[text] = shown
    return texts


@bp.record_once
def _setup(state) -> None:
    signing.signing_mode(state.app.config)  # refuse to start with a bad ATTEST_SIGNING
    if state.app.config.get("SITHS_REVOCATION_FAIL_OPEN"):
        state.app.logger.warning("SITHS_REVOCATION_FAIL_OPEN is on: revoked cards may be accepted")


def end_card_session(person, reason: str) -> bool:
    """End this browser's session (card or not) with its ``logout`` audit event (``auth.end_current_session``)."""
    return end_current_session(person, reason)


@bp.after_app_request
def _add_card_watch(response):
    """Add siths.js to HTML pages of a card session (progressive enhancement)."""
    if (not session.get(CARD_KEY) or not current_app.config.get("SITHS_CARD_WATCH")
            or response.mimetype != "text/html" or response.direct_passthrough
            or response.is_streamed):
        return response
    body = response.get_data(as_text=True)
    if "</body>" not in body:
        return response
    tag = Markup(
        '<script src="{src}" defer data-beh-watch data-agent="{agent}" data-logout="{logout}" '
        'data-poll="{poll}" data-max-failures="{failures}" data-csrf="{csrf}"></script>').format(
        src=url_for("static", filename="siths.js"), agent=current_app.config["SITHS_AGENT_URL"],
        logout=url_for("siths.card_removed"), poll=int(current_app.config["SITHS_CARD_POLL_MS"]),
        failures=max(1, int(current_app.config.get("SITHS_CARD_MAX_FAILED_POLLS", 3))),
        csrf=generate_csrf())
    response.set_data(body.replace("</body>", f"{tag}\n</body>", 1))
    return response


@bp.app_context_processor
def _login_context():
    def siths_login_info() -> dict:
        cfg = current_app.config
        pem = siths_login.client_certificate_pem(request.headers, peer_address(), cfg)
        ended = session.pop(ENDED_KEY, None) or request.args.get("kort")  # said once
        return {"configured": bool(cfg.get("SITHS_TRUST_ANCHORS")), "agent": cfg["SITHS_AGENT_URL"],
                "client_certificate": pem is not None,
                "card_removed": ended == "borttaget", "agent_lost": ended == "agent"}
    return {"siths_login_info": siths_login_info, "siths_script_texts": script_texts}


class NextForm(InputForm):
    """Where to go after a card login."""

    next = TrimmedStringField()


class SignatureForm(InputForm):
    """What the card agent signed: the signature and the certificate chain (PEM, several lines)."""

    signature_b64 = TrimmedStringField()
    certificate_chain_pem = TextAreaField()


class CardLoginForm(NextForm, SignatureForm):
    """Logga in Med TjänsteId+: the challenge, what the agent signed and where to go after it."""

    challenge = TrimmedStringField()


class CardRemovedForm(InputForm):
    """Why the page ended the card session."""

    reason = TrimmedStringField()


def _open_card_session(person, ident, method: str, form: NextForm):
    # Commits the session record (with the certificate) together with the login audit event.
    start_session(person, "siths", session_method=method, certificate_sha256=ident.fingerprint_sha256)
    return redirect(_safe_next(form.next.data))


def _refused(message: str, form: NextForm, exc: SithsError | None = None):
    current_app.logger.info("SITHS login refused: %s (%s)", exc.code if exc else "invalid_input", exc or message)
    flash(message_text(message), "error")  # the portal's own messages are msgids (beh_core/messages.py)
    return redirect(url_for("auth.login", next=form.next.data if not form.next.errors and form.next.data else None))


@bp.post("/siths/utmaning")
@public
def challenge():
    """A one-time login challenge for the agent to sign (JSON)."""
    try:
        return jsonify(siths_login.new_login_challenge(get_session(), current_app.config))
    except SithsError as exc:
        return jsonify(error=exc.code, message=siths_message(exc), message_sv=exc.message_sv), 503


@bp.post("/siths/login")
@public
def login():
    """Logga in Med TjänsteId+: verify the signed challenge and open a card session."""
    form = CardLoginForm()
    if not form.validate():
        return _refused(" ".join(field_errors(form).values()), form)
    try:
        person, ident = siths_login.login_with_signature(
            get_session(), current_app.config, challenge=form.challenge.data,
            signature_b64=form.signature_b64.data, chain_pem=form.certificate_chain_pem.data or "")
    except SithsError as exc:
        return _refused(siths_message(exc), form, exc)
    return _open_card_session(person, ident, "challenge", form)


@bp.post("/siths/login/certifikat")
@public
def login_client_certificate():
    """Log in with the client certificate a trusted reverse proxy verified (mutual TLS)."""
    cfg, form = current_app.config, NextForm()
    if not form.validate():
        return _refused(" ".join(field_errors(form).values()), form)
    pem = siths_login.client_certificate_pem(request.headers, peer_address(), cfg)
    try:
        person, ident = siths_login.login_with_client_certificate(get_session(), cfg, pem)
    except SithsError as exc:
        return _refused(siths_message(exc), form, exc)
    return _open_card_session(person, ident, "mtls", form)


@bp.post("/siths/kort-borttaget")
@public
def card_removed():
    """The page saw the card leave the reader (``reason=card_removed``, the default) or
    lost the agent/reader for several polls (``reason=agent_unreachable``): end the
    card session, with its audit event in the same transaction (JSON answer)."""
    form = CardRemovedForm()
    reason = (form.reason.data if form.validate() else "") or "card_removed"
    if reason not in CARD_END_REASONS:
        reason = "card_removed"
    if session.get(CARD_KEY) and current_user.is_authenticated:
        end_current_session(current_user._get_current_object(), reason)
        logout_user()
        clear_session()  # the language chosen stays
        session[ENDED_KEY] = CARD_END_REASONS[reason]
    return jsonify(redirect=url_for("auth.login", kort=CARD_END_REASONS[reason]))


def _order(number: str):
    order = load_order(get_session(), number)
    if order is None:
        abort(404)
    return order


@bp.route("/attest/<number>/signering/<nonce>", methods=["GET", "POST"])
@requires("attest")
def sign(number: str, nonce: str):
    """Signering av beställning c…: show what is signed; Signera beställning."""
    db, cfg = get_session(), current_app.config
    order, actor = _order(number), current_actor()
    error = None
    pending = signing.pending(db, actor, order, nonce, cfg)
    form = SignatureForm()
    if request.method == "POST":
        try:
            if not form.validate():
                raise ValidationFailed(field_errors(form))
            signing.submit(db, runtime(), actor, order, nonce, signature_b64=form.signature_b64.data,
                           chain_pem=form.certificate_chain_pem.data or "")
        except SithsError as exc:
            error = siths_message(exc)
        except ValidationFailed as exc:
            error = " ".join(translated(exc.errors).values())
        else:
            return redirect(url_for("siths.signed", number=number))
        if error:
            return render_template("siths/sign.html", order=order, pending=None, error=error,
                                   statuses=STATUS_LABELS, kinds=KIND_LABELS), 400
    return render_template("siths/sign.html", order=order, pending=pending, error=error,
                           document=signing.parse_canonical_document(pending.document),
                           document_text=pending.document.decode("utf-8"),
                           document_b64=base64.b64encode(pending.document).decode("ascii"),
                           statuses=STATUS_LABELS, kinds=KIND_LABELS)


@bp.route("/attest/signering/<nonce>", methods=["GET", "POST"])
@requires("attest")
def sign_many(nonce: str):
    """Signering av beställningar (Godkänn markerade): the list that is signed; Signera beställningarna."""
    db, cfg = get_session(), current_app.config
    actor = current_actor()
    batch, orders = signing_batch.pending_many(db, actor, nonce, cfg)
    form = SignatureForm()
    error = None
    if request.method == "POST":
        try:
            if not form.validate():
                raise ValidationFailed(field_errors(form))
            signing_batch.submit_many(db, runtime(), actor, nonce, signature_b64=form.signature_b64.data,
                                      chain_pem=form.certificate_chain_pem.data or "")
        except SithsError as exc:
            error = siths_message(exc)
        except ValidationFailed as exc:
            error = " ".join(translated(exc.errors).values())
        else:
            flash(ngettext("%(num)s beställning är godkänd.", "%(num)s beställningar är godkända.", len(orders)),
                  "info")
            return redirect(after_decision_url())
        return render_template("siths/sign_many.html", orders=orders, pending=None, error=error), 400
    return render_template("siths/sign_many.html", orders=orders, pending=batch, error=error,
                           document_text=batch.document.decode("utf-8"),
                           document_b64=base64.b64encode(batch.document).decode("ascii"))


@bp.get("/attest/<number>/signerad")
@requires("logged_in")  # the signature decides (its signer only): an ekonomisk attestant's last one leads here too
def signed(number: str):
    """Nu är signeringen klar: the result, with Stäng fönster."""
    db = get_session()
    order = _order(number)
    row = signing.signature_of(db, order)
    if row is None or row.signer_id != current_actor().id or not authz.may_view_order(current_actor(), order):
        raise NotFound("Det finns ingen signering av dig för beställningen.")
    return render_template("siths/signed.html", order=order, signature=row, after=after_decision_url(),
                           statuses=STATUS_LABELS, kinds=KIND_LABELS)



@bp.get("/attest/<number>/kvitto")
@requires("logged_in")
def receipt(number: str):
    """Download the signing receipt of the order's attest (for anyone who may see the order)."""
    db = get_session()
    order = _order(number)
    authz.require(authz.may_view_order(current_actor(), order))
    data = signing.receipt_for(db, number)
    return Response(data, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="kvitto-{order.number}.json"'})
