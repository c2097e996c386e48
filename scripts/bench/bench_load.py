"""Load a running server with wrk and read the result; log in with the demo login; count round trips.

wrk (Debian package ``wrk``) keeps N connections busy for D seconds and prints requests per second
and the latency percentiles (``--latency``). The project is measured logged in: the session cookie
of a demo login rides in a header.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

# Flask-Login's "strong" session protection ties the session to the client's address and User-Agent:
# the login and every load use the same one.
USER_AGENT = "beh-benchmark/1"


@dataclass
class Load:
    """One wrk run: requests per second, median and 99th percentile latency (ms), errors."""

    rps: float
    p50: float
    p99: float
    requests: int
    errors: int


def ensure_wrk() -> str:
    """The wrk binary, installed from Debian when missing (the machine is root, as on CI)."""
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or "wrk"


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(url: str, clients: int, seconds: float, cookie: str = "", threads: int | None = None) -> Load:
    """Run wrk against the URL and parse its report (non-2xx/3xx answers count as errors)."""
    command = [ensure_wrk(), f"-t{threads or min(2, clients)}", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--latency",
               "--timeout", "10s"]
    command += ["-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = int(bad.group(1)) if bad else 0
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    return Load(rps, p50, p99, requests, errors)


def demo_login(base: str, vgr_id: str) -> str:
    """Log in with the demo login (CSRF token from the login page); the Cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    data = urllib.parse.urlencode({"vgr_id": vgr_id, "csrf_token": token.group(1) if token else ""}).encode()
    opener.open(base + "/login/demo", data=data).read()
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    status, body = fetch(base + "/", cookies)
    if status != 200 or vgr_id not in body:
        raise SystemExit(f"demo login as {vgr_id} failed")
    return cookies


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, cookie: str = "") -> tuple[int, str]:
    """One GET as the load tool sends it, without following a redirect: (status, body)."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie, "User-Agent": USER_AGENT})
    try:
        with opener.open(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class RoundTrips:
    """Counts the messages a PostgreSQL connection sends that wait for an answer (Sync or simple Query).

    libpq's protocol trace (psycopg ``PGconn.trace``) writes every message; each statement of the
    extended protocol ends in Sync, BEGIN / ROLLBACK and a pool's ping are simple Queries. So this counts
    what the server is asked, including what SQLAlchemy or the driver send on their own.
    """

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.path = tempfile.mktemp(prefix="beh-trace-")
        self.file = open(self.path, "w+")
        event.listen(engine, "connect", self._trace)

    def _trace(self, dbapi_connection, _record) -> None:
        dbapi_connection.pgconn.trace(self.file.fileno())

    def reset(self) -> None:
        """Start counting afresh."""
        self.file.flush()
        os.truncate(self.path, 0)
        self.file.seek(0)

    def count(self) -> tuple[int, list[str]]:
        """Round trips since the reset, and the simple queries among them (BEGIN, ROLLBACK, ...)."""
        self.file.flush()
        with open(self.path) as trace:
            lines = trace.read().splitlines()
        sent = [line for line in lines if re.search(r"\tF\t\d+\t(Sync|Query)\b", line)]
        simple = [re.sub(r'.*Query\s+"?([^"]*)"?.*', r"\1", line).strip()[:20] for line in sent if "\tQuery" in line]
        return len(sent), simple
