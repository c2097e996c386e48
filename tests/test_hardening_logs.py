"""Issue 8, finding 10: personnummer never reach a log.

Representative flows run, every log record they produce is kept (caplog,
formatted with its traceback) and so are the log files of a real gunicorn
(access and error log) and werkzeug's access log of a real server; then
every text is searched for personnummer patterns (12 and 10 digits, with and
without separator, URL-encoded): none may be there.
"""
from __future__ import annotations

import json
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import insert, select
from werkzeug.serving import make_server

from beh_core.views.access import public
from beh_core.db import get_database, get_session
from beh_core.identifiers import make_personnummer
from beh_core.log_masking import mask_text
from beh_core.models import Enhet, Person

ROOT = Path(__file__).resolve().parent.parent


def forms_of(pnr: str) -> list[str]:
    """The ways a personnummer may be written (and end up in a log line)."""
    return [pnr, f"{pnr[:8]}-{pnr[8:]}", f"{pnr[:8]}%2D{pnr[8:]}", pnr[2:], f"{pnr[2:8]}-{pnr[8:]}"]


def assert_no_personnummer(text: str, *pnrs: str) -> None:
    for pnr in pnrs:
        for form in forms_of(pnr):
            assert form not in text, f"{form} found in the logs"
    assert mask_text(text) == text, "a personnummer in the logs (the masking would change them)"


def all_records_text(caplog) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> int:
    request = urllib.request.Request(url)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_personnummer_finns_inte_i_någon_logg_efter_vanliga_och_trasiga_flöden(app, region, login, caplog,
                                                                              tmp_path):
    someone = region.scalar(select(Person).where(Person.personnummer.is_not(None), Person.id > 8)
                            .order_by(Person.id))
    pnr = someone.personnummer
    assert get_database(app).engine.hide_parameters
    # A view that fails in the database with the personnummer in the statement (an unexpected 500).
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @public
    def failing_view():
        get_session().execute(insert(Person).values(vgr_id="dubbel1", first_name="D", last_name="D",
                                                    first_name_lc="d", last_name_lc="d", personnummer=pnr))
        return "unreachable"

    app.add_url_rule("/test/trasig", "test_failing", failing_view)
    with caplog.at_level(logging.DEBUG):
        orderer = login("sarbe1")
        # 1. Search by personnummer (POST), in each written form.
        for form in forms_of(pnr)[:2]:
            assert orderer.post("/lr/", {"field": "personnummer", "q": form}).status_code == 200
        # 2. A personnummer in a query string (an old bookmark, a GET form elsewhere).
        orderer.get(f"/bestallningar/alla?slutanvandare={pnr}&ordernummer={pnr[2:]}")
        # 3. Careless code logging one, with and without a traceback.
        logging.getLogger("beh_core.somewhere").warning("looked up %s", pnr)
        try:
            raise ValueError(f"bad person {pnr}")
        except ValueError:
            logging.getLogger("beh_core.somewhere").exception("failed")
        # 4. A database error (the database's message quotes the duplicate personnummer) -> 500, logged.
        assert orderer.get("/test/trasig").status_code == 500
        # 5. The KiV import failing on the same duplicate (CLI: output and log).
        unit = region.scalar(select(Enhet).order_by(Enhet.id))
        path = tmp_path / "kiv.json"
        path.write_text(json.dumps({"forvaltningar": [], "persons": [
            {"vgr_id": "krock1", "personnummer": pnr, "first_name": "K", "last_name": "T",
             "engagements": [{"enhet": unit.code, "kind": "anstalld", "start": "2024-01-01"}]}]}), "utf-8")
        result = app.test_cli_runner().invoke(args=["beh", "directory", "import", str(path)])
        assert result.exit_code != 0
        # 6. werkzeug's access log of a real server.
        server = make_server("127.0.0.1", free_port(), app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            base = f"http://127.0.0.1:{server.server_port}"
            fetch(f"{base}/bestallningar/alla?slutanvandare={pnr}")
            fetch(f"{base}/login?next={quote('/bestallningar/alla?slutanvandare=' + pnr[:8] + '-' + pnr[8:])}")
        finally:
            server.shutdown()
            thread.join(10)
    text = all_records_text(caplog)
    assert "GET /bestallningar/alla?slutanvandare=" in text  # the access lines are there, masked
    assert "Exception on /test/trasig" in text and "Traceback" in text
    assert_no_personnummer(text + "\n" + result.output, pnr)


@pytest.mark.skipif(not (Path(sys.executable).parent / "gunicorn").exists(), reason="gunicorn is in the test extra")
def test_gunicorns_åtkomstlogg_och_fellogg_har_inga_personnummer(migrated, tmp_path):
    pnr = make_personnummer(date(1981, 2, 3), 456)
    port = free_port()
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    env = {**os.environ, "BEH_DATABASE_URL": migrated, "BEH_SECRET_KEY": "gunicorn-test", "BEH_DEMO": "true",
           "BEH_DEMO_LOGIN": "true", "BEH_ATTEST_SIGNING": "off"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}",
         "--access-logfile", str(access), "--error-logfile", str(errors), "--log-level", "debug",
         "beh_core:create_app()"], cwd=str(tmp_path), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if fetch(f"{base}/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        assert fetch(f"{base}/bestallningar/alla?slutanvandare={pnr}") == 302
        fetch(f"{base}/bestallningar/mina?q={pnr[:8]}-{pnr[8:]}&r={pnr[2:]}")
        fetch(f"{base}/login?next=%2Fbestallningar%2Falla%3Fslutanvandare%3D{pnr}")
    finally:
        server.terminate()
        server.wait(20)
    logged = access.read_text("utf-8")
    assert "GET /bestallningar/alla?slutanvandare=" in logged  # the request lines are logged, masked
    # gunicorn's debug log prints its configuration, functions with their memory addresses among it
    # ("<function … at 0x7f8601724220>"): a hex address is no personnummer, though ten of its digits may
    # look like one.
    assert_no_personnummer(re.sub(r"0x[0-9a-fA-F]+", "0x…", logged + errors.read_text("utf-8")), pnr)
