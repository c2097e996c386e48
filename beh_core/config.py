"""Settings: defaults, then the instance file `beh.cfg`, then `BEH_*` environment variables."""
from __future__ import annotations

import json
import os
from pathlib import Path

from flask import Flask

DEFAULTS: dict = {
    "DEMO": False,
    "DEMO_LOGIN": False,
    "DATABASE_URL": None,  # default: sqlite file in the instance folder
    "SECRET_KEY": None,
    "BABEL_DEFAULT_LOCALE": "sv",
    "LANGUAGES": ["sv", "en"],
    "ORDER_PAGE_SIZE": 15,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "FULFILLERS": [],  # VGR-IDs of Service Desk behörigheter
    "ADMINS": [],  # VGR-IDs of administrators
    "PLUGINS_DISABLED": [],  # entry point names not to load
    "BASE_URL": "http://127.0.0.1:5000",
}

_BOOL = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _parse(value: str, default):
    """Parse an environment string into the type of the default."""
    if isinstance(default, bool):
        return _BOOL.get(value.strip().lower(), False)
    if isinstance(default, int):
        return int(value)
    if isinstance(default, list):
        value = value.strip()
        if value.startswith("["):
            return json.loads(value)
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def load_config(app: Flask, overrides: dict | None) -> None:
    """Fill app.config from defaults, instance/beh.cfg, BEH_* variables and the overrides."""
    app.config.update(DEFAULTS)
    app.config.from_pyfile("beh.cfg", silent=True)
    for key, value in os.environ.items():
        if key.startswith("BEH_"):
            name = key[4:]
            app.config[name] = _parse(value, app.config.get(name, DEFAULTS.get(name, "")))
    if overrides:
        app.config.update(overrides)
    if not app.config.get("DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "beh.sqlite")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app)
    app.config["SQLALCHEMY_URL"] = app.config["DATABASE_URL"]


def _instance_secret(app: Flask) -> str:
    """A random secret kept in the instance folder, so sessions survive restarts without setup."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()
