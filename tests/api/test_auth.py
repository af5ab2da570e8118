"""Sign up, log in, log out; the session cookie; CSRF; the login rate limit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from tests.mail import MailServer
from tests.support import PASSWORD, ApiClient, DossierWorld, sign_up, snapshot

from .conftest import assert_error, token_of

CLAIRE = {"email": "claire@racines.example", "password": PASSWORD, "display_name": "Claire Racines"}


def signup(client: ApiClient, **changes: Any) -> Any:
    """The whole sign-up (ask, open the e-mailed link); the confirmation's reply."""
    body = {**CLAIRE, **changes}
    return sign_up(client, body["email"], body["password"], body["display_name"])


def session_user(client: ApiClient) -> Any:
    return client.get("/api/auth/session").get_json()["user"]


def cookie_header(response: Any, name: str = "codossier_session") -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert len(headers) == 1, response.headers.getlist("Set-Cookie")
    return str(headers[0])


# --- sign up ------------------------------------------------------------------


def test_signup_creates_an_account_logs_it_in_and_lowercases_the_email(client: ApiClient) -> None:
    reply = signup(client, email="  Claire@Racines.EXAMPLE ")

    assert reply.status_code == 201, reply.get_json()
    body = reply.get_json()
    assert body["user"]["email"] == "claire@racines.example"
    assert body["user"]["display_name"] == "Claire Racines"
    assert body["user"]["has_account"] is True
    assert body["csrf_token"]
    assert session_user(client) == body["user"]


def test_signup_creates_the_account_only_when_the_emailed_link_is_opened(app: Flask, mailbox: MailServer) -> None:
    browser = ApiClient(app)
    before = snapshot(app)

    asked = browser.post("/api/auth/signup", {**CLAIRE, "email": " Claire@Racines.EXAMPLE "})

    assert asked.status_code == 202, asked.get_json()
    assert asked.get_json() == {"email": "claire@racines.example"}
    assert session_user(browser) is None
    assert snapshot(app)["users"] == before["users"]
    mail = mailbox.wait_for("claire@racines.example")
    assert "activez votre compte" in mail.subject
    token = mail.link("/signup/").rsplit("/", 1)[1]
    confirmed = browser.post("/api/auth/signup/confirm", {"token": token})
    assert confirmed.status_code == 201, confirmed.get_json()
    assert confirmed.get_json()["user"]["email"] == "claire@racines.example"
    assert session_user(browser) == confirmed.get_json()["user"]
    # the link works once
    assert_error(ApiClient(app).post("/api/auth/signup/confirm", {"token": token}), 410, "signup_expired")


@pytest.mark.parametrize("email", ["claire@racines.example", "CLAIRE@Racines.Example"])
def test_signup_answers_an_existing_email_exactly_as_a_new_one_and_tells_its_owner(
    app: Flask, mailbox: MailServer, email: str
) -> None:
    assert signup(ApiClient(app)).status_code == 201
    before = snapshot(app)
    stranger = ApiClient(app)

    taken = stranger.post("/api/auth/signup", {**CLAIRE, "email": email, "display_name": "Another Claire"})
    fresh = stranger.post("/api/auth/signup", {**CLAIRE, "email": "nouvelle@racines.example"})

    assert (taken.status_code, fresh.status_code) == (202, 202)
    assert taken.headers["Content-Type"] == fresh.headers["Content-Type"]
    assert set(taken.get_json()) == set(fresh.get_json()) == {"email"}
    assert taken.get_json()["email"] == "claire@racines.example"
    assert session_user(stranger) is None
    after = snapshot(app)
    assert after["users"] == before["users"]
    notice = mailbox.wait_for("claire@racines.example", 2)  # (the first one was her own confirmation)
    assert "déjà un compte" in notice.subject
    assert notice.link("/login")
    assert "/signup/" not in notice.body


def test_a_forged_or_expired_signup_link_creates_nothing(app: Flask, mailbox: MailServer, move_clock: Any) -> None:
    browser = ApiClient(app)
    browser.post("/api/auth/signup", CLAIRE)
    token = mailbox.wait_for(CLAIRE["email"]).link("/signup/").rsplit("/", 1)[1]
    before = snapshot(app)

    forged = browser.post("/api/auth/signup/confirm", {"token": token[:-2] + "xx"})
    move_clock(timedelta(days=3))
    expired = browser.post("/api/auth/signup/confirm", {"token": token})

    assert_error(forged, 400, "signup_invalid")
    assert_error(expired, 410, "signup_expired")
    assert snapshot(app)["users"] == before["users"]
    assert session_user(browser) is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({**CLAIRE, "password": "123456789"}, "password", id="password-9-characters"),
        pytest.param({**CLAIRE, "email": "claire.racines.example"}, "email", id="email-without-at"),
        pytest.param({**CLAIRE, "email": "claire@racines"}, "email", id="email-without-domain-dot"),
        pytest.param({**CLAIRE, "email": "cl aire@racines.example"}, "email", id="email-with-space"),
        pytest.param({k: v for k, v in CLAIRE.items() if k != "email"}, "email", id="missing-email"),
        pytest.param({k: v for k, v in CLAIRE.items() if k != "password"}, "password", id="missing-password"),
        pytest.param({k: v for k, v in CLAIRE.items() if k != "display_name"}, "display_name", id="missing-name"),
        pytest.param({**CLAIRE, "display_name": "   "}, "display_name", id="blank-name"),
    ],
)
def test_signup_refuses_invalid_input_with_422_naming_the_field(
    app: Flask, client: ApiClient, body: dict[str, Any], field: str
) -> None:
    before = snapshot(app)

    reply = client.post("/api/auth/signup", body)

    assert_error(reply, 422, "validation_error", field=field)
    assert snapshot(app) == before
    assert session_user(client) is None


# --- log in and out -------------------------------------------------------------


def test_login_with_the_right_password_opens_a_session(app: Flask) -> None:
    user = signup(ApiClient(app)).get_json()["user"]
    browser = ApiClient(app)

    reply = browser.post("/api/auth/login", {"email": "Claire@Racines.Example", "password": PASSWORD})

    assert reply.status_code == 200, reply.get_json()
    assert reply.get_json()["user"] == user
    assert session_user(browser) == user
    assert browser.get("/api/dossiers").status_code == 200


def test_login_refuses_a_wrong_password_and_an_unknown_email_with_the_same_reply(app: Flask) -> None:
    signup(ApiClient(app))
    browser = ApiClient(app)

    wrong_password = browser.post("/api/auth/login", {"email": CLAIRE["email"], "password": PASSWORD + "!"})
    unknown_email = browser.post("/api/auth/login", {"email": "nobody@racines.example", "password": PASSWORD})

    first = assert_error(wrong_password, 401, "invalid_credentials")
    second = assert_error(unknown_email, 401, "invalid_credentials")
    assert first == second
    assert session_user(browser) is None


def test_logout_ends_the_session(client: ApiClient) -> None:
    signup(client)

    reply = client.post("/api/auth/logout")

    assert reply.status_code == 204
    assert reply.get_data() == b""
    assert session_user(client) is None
    assert_error(client.get("/api/dossiers"), 401, "not_authenticated")


def test_logout_without_a_session_is_401(client: ApiClient) -> None:
    assert_error(client.post("/api/auth/logout"), 401, "not_authenticated")


# --- the session cookie -----------------------------------------------------------


@pytest.mark.parametrize("how", ["signup", "login"])
def test_session_cookie_is_httponly_and_samesite_lax(app: Flask, how: str) -> None:
    browser = ApiClient(app)
    reply = signup(browser)
    if how == "login":
        browser = ApiClient(app)
        reply = browser.post("/api/auth/login", {"email": CLAIRE["email"], "password": PASSWORD})
    assert reply.status_code in (200, 201)

    attributes = [part.strip().lower() for part in cookie_header(reply).split(";")[1:]]

    assert "httponly" in attributes
    assert "samesite=lax" in attributes


# --- CSRF ---------------------------------------------------------------------------


def _token_of_another_browser(app: Flask, _client: ApiClient) -> str:
    return ApiClient(app).csrf()


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("not-the-token", id="wrong"),
        pytest.param(lambda app, client: client.csrf() + "x", id="token-plus-a-character"),
        pytest.param(_token_of_another_browser, id="token-of-another-browser"),
        pytest.param("jeton-é", id="non-ascii"),
    ],
)
def test_a_change_without_the_right_csrf_token_is_403_and_changes_nothing(
    app: Flask, header: str | Callable[[Flask, ApiClient], str] | None
) -> None:
    browser = ApiClient(app)
    signup(browser)
    headers = {}
    if header is not None:
        headers["X-CSRF-Token"] = header(app, browser) if callable(header) else header
    before = snapshot(app)

    reply = browser.post("/api/dossiers", {"title": "Projet", "structure": "Racines"}, csrf=False, headers=headers)

    assert_error(reply, 403, "csrf_failed")
    assert snapshot(app) == before


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_other_changing_methods_need_the_csrf_token_too(app: Flask, method: str) -> None:
    browser = ApiClient(app)
    signup(browser)
    url = f"/api/dossiers/{browser.post('/api/dossiers', {'title': 'Projet', 'structure': 'Racines'}).get_json()['id']}"
    action = browser.post(f"{url}/actions", {"title": "Jardin"}).get_json()
    path, body = {
        "PUT": (f"{url}/actions/order", {"action_ids": [action["id"]]}),
        "PATCH": (url, {"title": "Renommé"}),
        "DELETE": (f"{url}/actions/{action['id']}", None),
    }[method]
    before = snapshot(app)

    reply = browser.request(method, path, body, csrf=False)

    assert_error(reply, 403, "csrf_failed")
    assert snapshot(app) == before


@pytest.mark.parametrize("how", ["login", "signup"])
def test_the_csrf_token_is_rotated_when_logging_in(app: Flask, how: str) -> None:
    if how == "login":
        signup(ApiClient(app))
    browser = ApiClient(app)
    old_token = browser.csrf()

    if how == "login":
        reply = browser.post("/api/auth/login", {"email": CLAIRE["email"], "password": PASSWORD})
    else:
        reply = signup(browser)
    new_token = reply.get_json()["csrf_token"]

    assert new_token and new_token != old_token
    assert browser.csrf() == new_token
    body = {"title": "Projet", "structure": "Racines"}
    assert_error(browser.post("/api/dossiers", body, headers={"X-CSRF-Token": old_token}), 403, "csrf_failed")
    assert browser.post("/api/dossiers", body, headers={"X-CSRF-Token": new_token}).status_code == 201


# --- the login rate limit ---------------------------------------------------------------


def test_login_is_limited_after_the_configured_attempts_even_with_the_right_password(
    app: Flask, sibling_app: Callable[..., Flask]
) -> None:
    signup(ApiClient(app))
    limited = sibling_app(app, LOGIN_RATE_LIMIT="3 per minute")
    browser = ApiClient(limited)
    wrong = {"email": CLAIRE["email"], "password": "wrong password"}

    for _ in range(3):
        assert_error(browser.post("/api/auth/login", wrong), 401, "invalid_credentials")
    refused = browser.post("/api/auth/login", wrong)
    right_password = browser.post("/api/auth/login", {"email": CLAIRE["email"], "password": PASSWORD})

    assert_error(refused, 429, "too_many_attempts")
    assert_error(right_password, 429, "too_many_attempts")
    assert session_user(browser) is None


def test_the_default_login_limit_is_ten_per_minute(sqlite_app: Flask) -> None:
    assert sqlite_app.config["LOGIN_RATE_LIMIT"] == "10 per minute;50 per hour"
    browser = ApiClient(sqlite_app)
    unknown = {"email": "nobody@racines.example", "password": "wrong password"}

    replies = [browser.post("/api/auth/login", unknown) for _ in range(11)]

    assert [r.status_code for r in replies] == [401] * 10 + [429]
    assert_error(replies[-1], 429, "too_many_attempts")


# Each attempt comes from a new browser on the same address.


def _signup_attempt(world: DossierWorld, attempt: int) -> Any:
    return ApiClient(world.app).post("/api/auth/signup", {**CLAIRE, "email": f"claire{attempt}@racines.example"})


def _invitation_attempt(world: DossierWorld, attempt: int) -> Any:
    link = world.client("lead").post(world.url("/invitations"), {"role": "observer"}).get_json()
    return ApiClient(world.app).post(f"/api/invitations/{token_of(link)}/accept", {"display_name": f"Invité {attempt}"})


def _reentry_attempt(world: DossierWorld, _attempt: int) -> Any:
    member = world.member_ids["beneficiary"]
    link = world.client("lead").post(world.url(f"/members/{member}/reentry-link"), {}).get_json()
    return ApiClient(world.app).post(f"/api/invitations/{token_of(link)}/accept", {})


@pytest.mark.parametrize(
    "attempt", [_signup_attempt, _invitation_attempt, _reentry_attempt], ids=["signup", "invitation", "reentry"]
)
def test_signup_and_links_are_limited_like_login(
    world: DossierWorld, sibling_app: Callable[..., Flask], attempt: Callable[..., Any]
) -> None:
    limited = sibling_app(world.app, LOGIN_RATE_LIMIT="3 per minute")
    on_limited = DossierWorld(limited, world.dossier_id, world.action_ids, world.user_ids, world.member_ids)

    allowed = [attempt(on_limited, n) for n in range(3)]
    before = snapshot(limited)
    refused = attempt(on_limited, 3)

    assert [r.status_code for r in allowed] == [allowed[0].status_code] * 3 and allowed[0].status_code < 300
    assert_error(refused, 429, "too_many_attempts")
    assert refused.headers.get("Retry-After")
    # the lead's own request in the attempt created a link; the refused use changed nothing else
    after = snapshot(limited)
    assert after["users"] == before["users"] and after["memberships"] == before["memberships"]


def test_signups_from_every_address_together_are_limited(
    app: Flask, sibling_app: Callable[..., Flask], mailbox: MailServer
) -> None:
    """A flood from many addresses (each under its own limit) is stopped by the limit of all sign-ups
    together: refused at once, with nothing stored and no e-mail sent; logging in still works."""
    signup(ApiClient(app))
    limited = sibling_app(app, SIGNUP_RATE_LIMIT_ALL="3 per minute")

    def attempt(n: int) -> Any:
        body = {**CLAIRE, "email": f"flood{n}@racines.example"}
        return ApiClient(limited).post("/api/auth/signup", body, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})

    allowed = [attempt(n) for n in range(1, 4)]
    mailbox.wait_for("flood3@racines.example")
    before = snapshot(limited)
    refused = attempt(4)

    assert [r.status_code for r in allowed] == [202, 202, 202]
    assert_error(refused, 429, "signups_busy")
    assert refused.headers.get("Retry-After")
    assert snapshot(limited) == before and mailbox.to("flood4@racines.example") == []
    login = ApiClient(limited).post(
        "/api/auth/login", {"email": CLAIRE["email"], "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.0.5"}
    )
    assert login.status_code == 200
