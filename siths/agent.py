"""``beh-siths-agent``: the local SITHS agent that the portal page talks to.

Bound to 127.0.0.1 only.  Every request must carry ``Origin`` equal to the
configured portal origin and a loopback ``Host`` (against DNS rebinding);
others get 403 and no CORS headers.  Endpoints::

    GET  /status        {"reader": name|null, "card_present": bool, ...}
    GET  /certificates  {"certificates": [{usage, hsa_id, subject, pem, ...}]}
    POST /sign          {"usage": "authentication"|"signing", "data_b64": "...",
                         "description": optional text shown in the PIN prompt}
                     -> {"signature_b64", "algorithm", "certificate_chain_pem"}

The PIN comes from the agent's own ``PinProvider``, never from the request.
Settings: CLI flags or ``BEH_SITHS_*`` environment variables (see ``main``).

Card presence: with ``require_card`` (the default; ``--no-require-card`` /
``BEH_SITHS_REQUIRE_CARD=0`` only for demos without a card reader) ``/sign``
and ``/certificates`` answer 503 ``card_not_present`` ("Sätt i SITHS-kortet i
kortläsaren.") unless PC/SC reports a card in the reader.  The PKCS#11 token
(SoftHSM in tests and demos, but also a middleware that caches certificates)
does not necessarily notice a pulled card, so the agent asks the reader itself,
before the PIN prompt and again just before the card operation.
"""
from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import os
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import texts
from .errors import CardNotPresent, PinIncorrect, PinLocked, SithsError
from .pins import EnvPinProvider, FilePinProvider, PinProvider, PinRequest, TtyPinProvider
from .reader import PcscReaderMonitor
from .token import DEFAULT_MODULE, Pkcs11Token

MAX_BODY = 64 * 1024
MAX_DATA = 16 * 1024


@dataclass
class AgentConfig:
    """Agent settings (see ``main`` for the matching flags/env variables)."""

    origin: str
    module_path: str = DEFAULT_MODULE
    token_label: str | None = None
    port: int = 8765
    reader_filter: str | None = None
    chain_files: list[str] = field(default_factory=list)
    # Refuse /sign and /certificates unless PC/SC reports a card in the reader.
    require_card: bool = True


class AgentServer(ThreadingHTTPServer):
    """HTTP server carrying the agent's collaborators for the handler."""

    daemon_threads = True

    def __init__(self, config: AgentConfig, token: Pkcs11Token, reader: PcscReaderMonitor,
                 pins: PinProvider):
        self.config, self.token, self.reader, self.pins = config, token, reader, pins
        # One card operation at a time: a card is a single-user device.
        self.card_lock = threading.Lock()
        super().__init__(("127.0.0.1", config.port), AgentHandler)

    def check_card(self) -> None:
        """Raise ``CardNotPresent`` unless the reader holds a card (when required)."""
        if not self.config.require_card:
            return
        try:
            state = self.reader.status()
        except Exception as exc:  # pyscard/pcscd trouble: fail closed
            raise CardNotPresent(f"reader status failed: {exc.__class__.__name__}") from exc
        if state.get("error") or not state.get("reader"):
            raise CardNotPresent(f"no usable reader ({state.get('error') or 'none found'})",
                                 message_sv=texts.NO_READER)
        if not state.get("card_present"):
            raise CardNotPresent("no card in the reader")


class AgentHandler(BaseHTTPRequestHandler):
    """Request handler; all policy checks happen in ``_allowed``."""

    server: AgentServer
    server_version = "beh-siths-agent/1"

    def log_message(self, fmt, *args):
        """Silenced: the agent keeps no access log on the workstation."""

    def _allowed(self) -> bool:
        origin = self.headers.get("Origin")
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        if origin != self.server.config.origin or host not in ("127.0.0.1", "localhost"):
            self._send(403, {"error": "forbidden_origin",
                             "message_sv": texts.FORBIDDEN_ORIGIN}, cors=False)
            return False
        return True

    def _send(self, status: int, body: dict | None, cors: bool = True) -> None:
        data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        if cors:
            self.send_header("Access-Control-Allow-Origin", self.server.config.origin)
            self.send_header("Vary", "Origin")
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, exc: SithsError) -> None:
        self._send(status, {"error": exc.code, "message_sv": exc.message_sv})

    def do_OPTIONS(self):
        """CORS preflight (POST with a JSON body needs one)."""
        if not self._allowed():
            return
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", self.server.config.origin)
        self.send_header("Access-Control-Allow-Methods", "GET, POST")
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        # Chrome's Private Network Access asks this before a public page may
        # reach a loopback address.
        self.send_header("Access-Control-Allow-Private-Network", "true")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Vary", "Origin")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        """GET /status and /certificates."""
        if not self._allowed():
            return
        if self.path == "/status":
            self._send(200, self.server.reader.status())
        elif self.path == "/certificates":
            try:
                with self.server.card_lock:
                    self.server.check_card()
                    certs = self.server.token.list_certificates()
            except SithsError as exc:
                return self._error(503, exc)
            self._send(200, {"certificates": [c.to_json() for c in certs if c.usage != "ca"]})
        else:
            self._send(404, {"error": "not_found"})

    def do_POST(self):
        """POST /sign."""
        if not self._allowed():
            return
        if self.path != "/sign":
            return self._send(404, {"error": "not_found"})
        req = self._read_json()
        if req is None:
            return
        usage, data_b64 = req.get("usage"), req.get("data_b64")
        if usage not in ("authentication", "signing") or not isinstance(data_b64, str):
            return self._send(400, {"error": "bad_request",
                                    "message_sv": texts.BAD_SIGN_REQUEST})
        try:
            data = base64.b64decode(data_b64, validate=True)
        except binascii.Error:
            return self._send(400, {"error": "bad_request", "message_sv": texts.BAD_DATA})
        if not data or len(data) > MAX_DATA:
            return self._send(400, {"error": "bad_request", "message_sv": texts.BAD_DATA_LENGTH})
        desc = req.get("description") if isinstance(req.get("description"), str) else None
        self._sign(usage, data, desc)

    def _read_json(self) -> dict | None:
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            length = -1
        if length <= 0 or length > MAX_BODY:
            self._send(400, {"error": "bad_request", "message_sv": texts.BAD_REQUEST})
            return None
        try:
            req = json.loads(self.rfile.read(length))
        except (ValueError, UnicodeDecodeError):
            req = None
        if not isinstance(req, dict):
            self._send(400, {"error": "bad_request", "message_sv": texts.BAD_REQUEST})
            return None
        return req

    def _sign(self, usage: str, data: bytes, description: str | None) -> None:
        srv = self.server
        preq = PinRequest(usage, srv.config.token_label, srv.config.origin,
                          hashlib.sha256(data).hexdigest(), description)
        with srv.card_lock:
            try:
                srv.check_card()  # no PIN prompt without a card
                pin = srv.pins.get_pin(preq)
                if not pin:
                    return self._send(403, {"error": "cancelled",
                                            "message_sv": texts.CANCELLED})
                srv.check_card()  # the card may have left during the prompt
                result = srv.token.sign(usage, data, pin)
            except (PinIncorrect, PinLocked) as exc:
                return self._error(401, exc)
            except SithsError as exc:
                return self._error(503, exc)
            except OSError:
                return self._send(500, {"error": "pin_provider_failed",
                                        "message_sv": texts.PIN_UNREADABLE})
            finally:
                pin = None  # drop our reference early
        self._send(200, {"signature_b64": base64.b64encode(result.signature).decode("ascii"),
                         "algorithm": result.algorithm,
                         "certificate_chain_pem": result.chain_pem})


def make_server(config: AgentConfig, pins: PinProvider, token: Pkcs11Token | None = None,
                reader: PcscReaderMonitor | None = None) -> AgentServer:
    """Build (but do not start) the agent server; ``port=0`` picks a free port."""
    from .pki import load_certificate_files  # local import keeps agent start fast

    if not config.origin or config.origin == "*" or "://" not in config.origin:
        raise ValueError("a concrete portal origin such as https://beh.example.se is required")
    token = token or Pkcs11Token(config.module_path, config.token_label,
                                 load_certificate_files(config.chain_files))
    return AgentServer(config, token, reader or PcscReaderMonitor(config.reader_filter), pins)


def _env_bool(value: str | None, default: bool) -> bool:
    """``BEH_SITHS_REQUIRE_CARD``-style switch: 1/true/yes/on or 0/false/no/off."""
    if value is None or not value.strip():
        return default
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise SystemExit(f"beh-siths-agent: invalid boolean value {value!r}")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point of ``beh-siths-agent``."""
    env = os.environ.get
    p = argparse.ArgumentParser(prog="beh-siths-agent", description="Lokal SITHS-tjänst för BEH")
    p.add_argument("--origin", default=env("BEH_SITHS_ORIGIN"), help="portalens origin, t.ex. https://beh.example.se")
    p.add_argument("--module", default=env("BEH_SITHS_PKCS11_MODULE", DEFAULT_MODULE))
    p.add_argument("--token-label", default=env("BEH_SITHS_TOKEN_LABEL"))
    p.add_argument("--port", type=int, default=int(env("BEH_SITHS_PORT", "8765")))
    p.add_argument("--reader", default=env("BEH_SITHS_READER"), help="del av läsarnamnet")
    p.add_argument("--chain", action="append", default=[], help="PEM med utfärdarcertifikat")
    p.add_argument("--require-card", action=argparse.BooleanOptionalAction,
                   default=_env_bool(env("BEH_SITHS_REQUIRE_CARD"), True),
                   help="vägra signera utan kort i kortläsaren (standard: på; "
                        "--no-require-card endast för demo utan kortläsare)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--pin-file", default=env("BEH_SITHS_PIN_FILE"), help="endast test/demo")
    g.add_argument("--pin-env", default=env("BEH_SITHS_PIN_ENV"), help="endast test/demo")
    args = p.parse_args(argv)
    if not args.origin:
        p.error("--origin (or BEH_SITHS_ORIGIN) is required")
    pins: PinProvider = (FilePinProvider(args.pin_file) if args.pin_file else
                         EnvPinProvider(args.pin_env) if args.pin_env else TtyPinProvider())
    cfg = AgentConfig(origin=args.origin, module_path=args.module, token_label=args.token_label,
                      port=args.port, reader_filter=args.reader, chain_files=args.chain,
                      require_card=args.require_card)
    server = make_server(cfg, pins)
    print(f"beh-siths-agent lyssnar på http://127.0.0.1:{server.server_address[1]} "
          f"för {cfg.origin}", flush=True)
    if not cfg.require_card:
        print("beh-siths-agent: kortkontrollen är avstängd (--no-require-card, endast demo)",
              file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
