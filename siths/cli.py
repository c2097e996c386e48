"""``beh-siths``: command line tools.

    beh-siths verify RECEIPT --trust ROOT.pem [--trust ...] [--crl FILE ...] [--at ISO] [--json]
    beh-siths demo-pki OUT_DIR --softhsm-dir DIR --identity HSA-ID:Förnamn:Efternamn ...

``verify`` exits 0 and prints a Swedish/English summary when the receipt is
valid, 1 when it is not (the reason on stderr), 2 on usage errors.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from .errors import SithsError
from .pki import load_certificate_files
from .receipt import receipt_summary, verify_receipt
from .revocation import RevocationConfig


def _cmd_verify(args) -> int:
    try:
        with open(args.receipt, "rb") as fh:
            data = fh.read()
        anchors = load_certificate_files(args.trust)
    except OSError as exc:
        print(f"Kan inte läsa fil / cannot read file: {exc}", file=sys.stderr)
        return 2
    at = None
    if args.at:
        at = dt.datetime.fromisoformat(args.at.replace("Z", "+00:00"))
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.timezone.utc)
    revocation = RevocationConfig(crls=args.crl) if args.crl else None
    try:
        result = verify_receipt(data, anchors, at, revocation=revocation)
    except SithsError as exc:
        print(f"OGILTIGT KVITTO / INVALID RECEIPT: {exc.message_sv} ({exc})", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"valid": True, "hsa_id": result.hsa_id, "name": result.name,
                          "signed_at": result.signed_at.isoformat(),
                          "algorithm": result.algorithm, "document": result.document,
                          "certificate_sha256": result.certificate_fingerprint},
                         ensure_ascii=False, indent=2))
    else:
        print(receipt_summary(result))
    return 0


def _cmd_demo_pki(args) -> int:
    from .demo_pki import create_demo_pki  # needs python-pkcs11 + softhsm2

    idents = []
    for spec in args.identity:
        parts = spec.split(":")
        if len(parts) != 3:
            print(f"--identity must be HSA-ID:Förnamn:Efternamn, got {spec!r}", file=sys.stderr)
            return 2
        idents.append(tuple(parts))
    with open(args.pin_file, encoding="utf-8") as fh:
        pin = fh.readline().strip()
    pki = create_demo_pki(args.out_dir, idents, args.softhsm_dir, pin, args.so_pin,
                          key_type=args.key_type)
    print(f"SOFTHSM2_CONF={pki.softhsm_conf}")
    print(f"trust anchor: {pki.root_pem_path}\nchain: {pki.chain_pem_path}")
    for ident in pki.identities.values():
        print(f"token {ident.token_label}: {ident.given_name} {ident.surname}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``beh-siths``."""
    p = argparse.ArgumentParser(prog="beh-siths", description="BEH SITHS-verktyg")
    sub = p.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("verify", help="verifiera ett signeringskvitto / verify a receipt")
    v.add_argument("receipt")
    v.add_argument("--trust", action="append", required=True, help="betrodd rot-CA (PEM)")
    v.add_argument("--crl", action="append", default=[], help="kontrollera även spärrlista")
    v.add_argument("--at", help="kontrolltid (ISO 8601), standard: kvittots signeringstid")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=_cmd_verify)
    d = sub.add_parser("demo-pki", help="skapa demo-PKI med SoftHSM2-kort (endast demo/test)")
    d.add_argument("out_dir")
    d.add_argument("--softhsm-dir", required=True)
    d.add_argument("--identity", action="append", required=True)
    d.add_argument("--pin-file", required=True)
    d.add_argument("--so-pin", default="12345678")
    d.add_argument("--key-type", choices=["rsa", "ec"], default="rsa")
    d.set_defaults(func=_cmd_demo_pki)
    args = p.parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:
        print(f"Fel / error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
