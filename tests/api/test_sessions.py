"""Logging out ends the session on the server: a copy of the old cookie and its CSRF token
authenticate nothing afterwards, while the same person's other sessions go on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from server.extensions import db
from server.models import UserSession
from server.services import clock
from tests.support import PASSWORD, ApiClient, DossierWorld, snapshot

from .conftest import assert_error

COOKIE = "codossier_session"


def log_in(client: ApiClient, email: str = "lea@porteur.example") -> tuple[str, str]:
    """Log in through the form's route; returns (cookie value, CSRF token) as a browser would hold them."""
    reply = client.post("/api/auth/login", {"email": email, "password": PASSWORD})
    assert reply.status_code == 200, reply.get_json()
    cookie = client.http.get_cookie(COOKIE)
    assert cookie is not None
    return cookie.value, reply.get_json()["csrf_token"]


def read(client: ApiClient, world: DossierWorld) -> Any:
    return client.get(world.url())


def change(client: ApiClient, world: DossierWorld, csrf: str) -> Any:
    return client.patch(world.url(), {"title": "Renommé après déconnexion"}, headers={"X-CSRF-Token": csrf})


def test_after_logout_the_old_cookie_and_csrf_token_neither_read_nor_change(app: Any, world: DossierWorld) -> None:
    browser = ApiClient(app)
    cookie, csrf = log_in(browser)
    assert read(browser, world).status_code == 200
    assert change(browser, world, csrf).status_code == 200

    assert browser.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204

    stolen = ApiClient(app)
    stolen.http.set_cookie(COOKIE, cookie)
    before = snapshot(app)
    assert_error(read(stolen, world), 401, "not_authenticated")
    assert_error(change(stolen, world, csrf), 401, "not_authenticated")
    assert stolen.get("/api/auth/session").get_json()["user"] is None
    assert snapshot(app) == before


def test_logout_ends_only_that_session(app: Any, world: DossierWorld) -> None:
    laptop, phone = ApiClient(app), ApiClient(app)
    _, laptop_csrf = log_in(laptop)
    _, phone_csrf = log_in(phone)

    assert laptop.post("/api/auth/logout", headers={"X-CSRF-Token": laptop_csrf}).status_code == 204

    assert read(laptop, world).status_code == 401
    assert read(phone, world).status_code == 200
    assert change(phone, world, phone_csrf).status_code == 200


def test_a_cookie_without_a_server_side_session_is_anonymous(app: Any, world: DossierWorld) -> None:
    """A validly signed cookie naming a user but no open session (forged, or from before logout) is refused."""
    client = ApiClient(app)
    with client.http.session_transaction() as session:
        session["_user_id"] = str(world.user_ids["lead"])
        session["_fresh"] = True
        session["session_token"] = "made-up"
    assert_error(read(client, world), 401, "not_authenticated")


def test_a_session_ends_at_the_latest_one_lifetime_after_its_login(app: Any, world: DossierWorld) -> None:
    browser = ApiClient(app)
    log_in(browser)
    assert read(browser, world).status_code == 200
    later = clock.now() + app.config["PERMANENT_SESSION_LIFETIME"] + timedelta(minutes=1)
    clock.set_source(lambda: later)
    try:
        assert_error(read(browser, world), 401, "not_authenticated")
        log_in(ApiClient(app))  # a new login deletes the expired session's row
        with app.app_context():
            assert db.session.scalar(db.select(db.func.count()).select_from(UserSession)) == 1
    finally:
        clock.set_source(None)
