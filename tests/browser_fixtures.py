"""Real-browser fixtures for the whole suite: Debian's Chromium driven by selenium + chromedriver.

One framework for every browser test (the card-removal test and tests/browser/): the
system Chromium (/usr/bin/chromium) and chromedriver (/usr/bin/chromedriver) that
scripts/siths/install-deps.sh installs; nothing is downloaded. The portal is served over
real HTTP on a loopback port by a threaded werkzeug server. Missing parts skip the test,
or fail it when hardware simulation / CI requires everything (siths_fixtures.missing).
"""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from siths_fixtures import missing

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
DESKTOP = (1366, 900)


def start_chromium(profile_dir):
    """A headless Chromium at 1366 x 900 with its own profile, driven through chromedriver."""
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        missing("chromium + chromium-driver (apt-get install chromium chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing("selenium (pip install selenium)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                 "--disable-dev-shm-usage", f"--window-size={DESKTOP[0]},{DESKTOP[1]}", "--lang=sv-SE",
                 f"--user-data-dir={profile_dir}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


@pytest.fixture
def chromium(tmp_path):
    """A fresh headless Chromium for one test (its own profile, closed afterwards)."""
    driver = start_chromium(tmp_path / "chromium-profile")
    yield driver
    driver.quit()
    shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)


@pytest.fixture(scope="session")
def shared_chromium(tmp_path_factory):
    """One headless Chromium for the browser suite (starting one per test costs seconds each)."""
    profile = tmp_path_factory.mktemp("chromium-shared")
    driver = start_chromium(profile)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def portal(app):
    """The portal app served over real HTTP on 127.0.0.1 (threaded, like a dev server); yields its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
