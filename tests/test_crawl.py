"""Logged in as each demo role, every page reachable by links answers without a server error."""
import re
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest

from beh_core.demo import DEMO_ROLES, build_demo_region

HREF = re.compile(r'href="([^"#]+)"')
MAX_PAGES = 250


@pytest.fixture
def busy_region(app, db):
    build_demo_region(db, persons=80, orders=60, seed=11, rt=app.extensions["beh_runtime"])
    return db


def crawl(browser) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        response = browser.get(path)
        seen[path] = response.status_code
        if response.status_code == 302:
            queue.append(urlparse(response.headers["Location"]).path)
            continue
        if "text/html" not in response.content_type:
            continue
        for link in HREF.findall(response.get_data(as_text=True)):
            url = urlparse(urljoin("http://localhost" + path, link.replace("&amp;", "&")))
            if url.netloc not in ("", "localhost"):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target not in seen and not target.startswith("/static"):
                queue.append(target)
    return seen


@pytest.mark.parametrize("vgr_id", [role[1] for role in DEMO_ROLES])
def test_ingen_länkad_sida_ger_serverfel(busy_region, login, vgr_id):
    seen = crawl(login(vgr_id))
    errors = {path: status for path, status in seen.items() if status >= 500}
    assert not errors, errors
    assert seen["/"] == 200
    assert len(seen) >= 3


def test_utloggad_hamnar_på_inloggningen(busy_region, browser):
    response = browser.get("/bestallningar/mina")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
