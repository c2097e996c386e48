"""SITHS demo: SoftHSM "cards" for the demo identities, the portal settings and
the local agent.  Called by ``scripts/demo-siths.sh``; see ``--help``.

    start [--as VGR-ID]   create (or reuse) the demo PKI and one SoftHSM token per
                          demo identity, write siths.env, start the agent for one person
    switch VGR-ID         "put another card in": restart the agent with that person's token
    stop                  stop the agent this script started
    status                show what runs and who holds the card

Needs the demo region in the portal database (``flask --app beh_core beh demo``)
because the tokens carry the HSA-IDs of the directory's demo identities.
Demo only: the CA keys lie unencrypted in the demo folder.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN, SO_PIN = "123456", "87654321"


def _paths(base: Path) -> dict[str, Path]:
    return {"pki": base / "pki", "hsm": base / "softhsm", "pin": base / "pin", "env": base / "siths.env",
            "state": base / "identities.json", "pid": base / "agent.pid", "log": base / "agent.log"}


def _identities() -> list[dict]:
    """The demo identities (role, VGR-ID, name, HSA-ID) from the portal database."""
    from sqlalchemy import select

    from beh_core import create_app
    from beh_core.db import get_session
    from beh_core.demo import demo_identities
    from beh_core.models import Person

    app = create_app({"ATTEST_SIGNING": "required"})
    with app.app_context():
        if get_session().scalar(select(Person.id).limit(1)) is None:
            raise SystemExit("Databasen är tom: kör först `flask --app beh_core beh demo`.")
        return [{"role": role, "vgr_id": p.vgr_id, "first": p.first_name, "last": p.last_name,
                 "hsa_id": p.hsa_id} for role, p in demo_identities(get_session()) if p.hsa_id]


def _refresh_crls(pki: Path) -> None:
    """Write fresh, empty CRLs (they are only evidence until nextUpdate, 7 days)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from siths.demo_pki import DemoCA, write_crl

    for name, crl in (("root-ca", "root.crl.pem"), ("person-ca", "person-ca.crl.pem")):
        cert = x509.load_pem_x509_certificate((pki / f"{name}.pem").read_bytes())
        key = load_pem_private_key((pki / f"{name}.key.pem").read_bytes(), None)
        write_crl(DemoCA(cert, key), {}, str(pki / crl))


def _ensure_pki(p: dict[str, Path], people: list[dict]) -> None:
    """Create the PKI and tokens unless the same identities were made before."""
    wanted = [[x["hsa_id"], x["first"], x["last"]] for x in people]
    if p["state"].exists() and json.loads(p["state"].read_text("utf-8")) == wanted \
            and (p["pki"] / "root-ca.pem").exists():
        os.environ["SOFTHSM2_CONF"] = str(p["hsm"] / "softhsm2.conf")
        _refresh_crls(p["pki"])
        return
    shutil.rmtree(p["pki"], ignore_errors=True)
    shutil.rmtree(p["hsm"], ignore_errors=True)
    from siths.demo_pki import write_softhsm_conf

    write_softhsm_conf(str(p["hsm"]))  # SOFTHSM2_CONF before python-pkcs11 loads the module
    from siths.demo_pki import create_demo_pki

    print(f"Skapar demo-PKI och {len(people)} SoftHSM-kort …", flush=True)
    create_demo_pki(str(p["pki"]), [tuple(w) for w in wanted], str(p["hsm"]), PIN, SO_PIN)
    p["state"].write_text(json.dumps(wanted, ensure_ascii=False), "utf-8")


def _write_env(p: dict[str, Path], agent_port: int) -> None:
    pki = p["pki"]
    lines = {
        "BEH_SITHS_TRUST_ANCHORS": pki / "root-ca.pem",
        "BEH_SITHS_INTERMEDIATES": pki / "person-ca.pem",
        "BEH_SITHS_CRL_FILES": f"{pki / 'root.crl.pem'},{pki / 'person-ca.crl.pem'}",
        "BEH_SITHS_AGENT_URL": f"http://127.0.0.1:{agent_port}",
        "BEH_ATTEST_SIGNING": "required",
        # The demo has no card reader (pcscd), so the page cannot follow the card.
        "BEH_SITHS_CARD_WATCH": "false",
    }
    p["env"].write_text("".join(f"export {k}='{v}'\n" for k, v in lines.items()), "utf-8")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # our agent, not a recycled pid
        return b"siths.agent" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _wait(condition, seconds: float) -> bool:
    """Poll ``condition`` every 0.1 s for up to ``seconds``; True as soon as it holds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _stop(p: dict[str, Path]) -> None:
    """Stop the agent we started: SIGTERM, and SIGKILL if it is still there after 5 s.

    An agent started from a shell that ignores SIGTERM inherits that and would survive a
    plain SIGTERM, keeping its port; that is why ``switch`` used to fail on a busy port.
    """
    if not p["pid"].exists():
        return
    pid = int(p["pid"].read_text().split()[0])
    if _alive(pid):
        os.kill(pid, signal.SIGTERM)
        if not _wait(lambda: not _alive(pid), 5):
            os.kill(pid, signal.SIGKILL)
            if not _wait(lambda: not _alive(pid), 5):
                raise SystemExit(f"Agenten (pid {pid}) gick inte att stoppa.")
    p["pid"].unlink(missing_ok=True)


def _default_sigterm() -> None:
    """In the agent's process: SIGTERM stops it, whatever the starting shell ignored."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _start_agent(p: dict[str, Path], person: dict, origin: str, port: int) -> None:
    _stop(p)
    # The old agent's socket may take a moment to close after it exits.
    if not _wait(lambda: _port_free(port), 5):
        raise SystemExit(f"Port {port} är upptagen: stoppa den andra agenten eller välj --agent-port.")
    env = dict(os.environ, SOFTHSM2_CONF=str(p["hsm"] / "softhsm2.conf"), PYTHONUNBUFFERED="1",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    log = open(p["log"], "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "siths.agent", "--origin", origin, "--port", str(port),
         "--token-label", person["hsa_id"][:32], "--pin-file", str(p["pin"]),
         "--chain", str(p["pki"] / "chain.pem"),
         # The demo "card" is a SoftHSM token and there is no card reader (pcscd):
         # switch the agent's card check off explicitly (a real agent keeps it on).
         "--no-require-card"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_default_sigterm)
    p["pid"].write_text(f"{proc.pid} {person['vgr_id']}\n")
    for _ in range(100):
        if proc.poll() is not None:
            raise SystemExit(f"Agenten startade inte, se {p['log']}")
        if b"lyssnar" in p["log"].read_bytes():
            return
        time.sleep(0.1)
    raise SystemExit(f"Agenten svarar inte, se {p['log']}")


def _holder(p: dict[str, Path]) -> str | None:
    if p["pid"].exists():
        pid, vgr = p["pid"].read_text().split()
        if _alive(int(pid)):
            return vgr
    return None


def _report(p: dict[str, Path], people: list[dict], origin: str, port: int) -> None:
    holder = _holder(p)
    print("\nSITHS-demo: ett SoftHSM-kort per demoidentitet (demo-CA, inte riktiga SITHS-kort).")
    print(f"PIN-kod för identifiering och för underskrift/signering: {PIN} (alla demokort)")
    print("Agenten läser PIN-koden ur", p["pin"], "(endast demo; en riktig agent frågar användaren).")
    for x in people:
        mark = "  <- kortet sitter i" if x["vgr_id"] == holder else ""
        name = f"{x['first']} {x['last']}"
        print(f"  {x['vgr_id']:8} {name:20} {x['hsa_id']}  {x['role']}{mark}")
    state = f"http://127.0.0.1:{port} för {origin}" if holder else "stoppad"
    print(f"\nAgent: {state}  (logg: {p['log']})")
    print("Byt kort (identitet):  scripts/demo-siths.sh switch perwi1")
    print("Stoppa agenten:        scripts/demo-siths.sh stop")
    print(f"Portalens inställningar: . {p['env']}")
    print(f"Öppna {origin}/login och välj Logga in under Med TjänsteId+.")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="demo-siths", description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=["start", "switch", "stop", "status"])
    ap.add_argument("vgr_id", nargs="?", help="demoidentitet för switch")
    ap.add_argument("--as", dest="as_vgr", default="johek1", help="vem som har kortet vid start")
    ap.add_argument("--dir", default=os.environ.get("BEH_SITHS_DEMO_DIR", str(ROOT / "instance" / "siths-demo")))
    ap.add_argument("--origin", default=os.environ.get("BEH_SITHS_DEMO_ORIGIN", "http://127.0.0.1:5000"),
                    help="portalens origin som webbläsaren ser (agenten svarar bara den)")
    ap.add_argument("--agent-port", type=int, default=int(os.environ.get("BEH_SITHS_DEMO_AGENT_PORT", "8765")))
    args = ap.parse_args(argv)
    p = _paths(Path(args.dir).resolve())
    if args.command == "stop":
        _stop(p)
        print("Agenten är stoppad.")
        return 0
    if not shutil.which("softhsm2-util"):
        raise SystemExit("softhsm2 saknas: kör `sudo scripts/siths/install-deps.sh .venv` först.")
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    os.chmod(args.dir, 0o700)
    people = _identities()
    if args.command == "status":
        if p["env"].exists():
            _report(p, people, args.origin, args.agent_port)
        return 0
    who = args.vgr_id if args.command == "switch" else args.as_vgr
    person = next((x for x in people if x["vgr_id"] == who), None)
    if person is None:
        raise SystemExit(f"Okänd demoidentitet {who!r}; välj bland {[x['vgr_id'] for x in people]}.")
    p["pin"].write_text(PIN + "\n")
    os.chmod(p["pin"], 0o600)
    _ensure_pki(p, people)
    _write_env(p, args.agent_port)
    _start_agent(p, person, args.origin, args.agent_port)
    _report(p, people, args.origin, args.agent_port)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
