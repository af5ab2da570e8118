"""Configuration from the environment, explicit and in one place.

``DATABASE_URL`` picks the database (SQLite in the data folder by default),
``CODOSSIER_DATA_DIR`` the data folder, ``SECRET_KEY`` the signing key (else a
random key is created once and kept in the data folder), ``REDIS_URL`` the
message queue and rate-limit store for several processes, ``CODOSSIER_SMTP_*``
the mail server and ``CODOSSIER_PUBLIC_URL`` the address that links in e-mails
start with.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = ROOT / "migrations"
CLIENT_DIST = ROOT / "client" / "dist"


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _secret_key(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(env: os._Environ[str] | dict[str, str] = os.environ, **overrides: Any) -> dict[str, Any]:
    data_dir = Path(overrides.pop("DATA_DIR", None) or env.get("CODOSSIER_DATA_DIR", "data")).resolve()
    database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'codossier.sqlite3'}"
    redis_url = env.get("REDIS_URL") or None
    config: dict[str, Any] = {
        "DATA_DIR": data_dir,
        "SECRET_KEY": env.get("SECRET_KEY") or _secret_key(data_dir),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        # Deployments sharing one Redis need distinct channels.
        "REDIS_CHANNEL": env.get("CODOSSIER_REDIS_CHANNEL", "codossier"),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": env.get("CODOSSIER_LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        # Sign-ups from all addresses together (one instance, all its processes): each costs a
        # password hash and sends an e-mail, so a flood from many addresses is bounded too.
        # How many requests from people not logged in run at once in a process (server/turns.py).
        "ANONYMOUS_REQUEST_TURNS": int(env.get("CODOSSIER_ANONYMOUS_REQUEST_TURNS", "2")),
        "SIGNUP_RATE_LIMIT_ALL": env.get("CODOSSIER_SIGNUP_RATE_LIMIT_ALL", "20 per minute;200 per hour"),
        "SESSION_COOKIE_NAME": "codossier_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("CODOSSIER_SECURE_COOKIES", "") == "1",
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "CLIENT_DIST": Path(env.get("CODOSSIER_CLIENT_DIST", CLIENT_DIST)),
        "ASYNC_MODE": env.get("CODOSSIER_ASYNC_MODE", "gevent"),
        "MAX_UPDATE_BYTES": int(env.get("CODOSSIER_MAX_UPDATE_BYTES", 1024 * 1024)),
        "SMTP_HOST": env.get("CODOSSIER_SMTP_HOST", ""),
        "SMTP_PORT": int(env.get("CODOSSIER_SMTP_PORT", 25)),
        "SMTP_STARTTLS": env.get("CODOSSIER_SMTP_STARTTLS", "") == "1",
        "SMTP_USER": env.get("CODOSSIER_SMTP_USER", ""),
        "SMTP_PASSWORD": env.get("CODOSSIER_SMTP_PASSWORD", ""),
        "MAIL_FROM": env.get("CODOSSIER_MAIL_FROM", "Codossier <codossier@localhost>"),
        # Else links in e-mails start with the address the request came to (its Host header).
        "PUBLIC_URL": env.get("CODOSSIER_PUBLIC_URL", "").rstrip("/"),
        # argon2-cffi's defaults (RFC 9106 low-memory profile) unless overridden.
        "ARGON2_PARAMETERS": {},
    }
    config.update(overrides)
    return config
