"""Test helpers: a CSRF-aware HTTP client, a dossier world built through the services,
and a snapshot of every table to prove that refused input changed nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from server.extensions import db
from server.models import Role, User
from server.services import accounts, actions, dossiers, invitations, sessions

PASSWORD = "correct horse battery"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PEOPLE = ("lead", "partner", "beneficiary", "observer", "outsider", "anonymous")


def open_login(app: Flask, user_id: int) -> str:
    """A new server-side login session for ``user_id`` (as logging in opens); returns its token."""
    with app.app_context():
        token = sessions.open_session(user_id)
        db.session.commit()
    return token


def log_in(session: Any, user_id: int, token: str) -> None:
    """Fill a Flask session as ``start_session`` does."""
    session["_user_id"] = str(user_id)
    session["_fresh"] = True
    session[sessions.SESSION_KEY] = token


class ApiClient:
    """The browser's view of the API: a session cookie, and the CSRF header on changes."""

    def __init__(self, app: Flask, user_id: int | None = None):
        self.app = app
        self.http = app.test_client()
        if user_id is not None:
            self.login_as(user_id)

    def login_as(self, user_id: int) -> None:
        token = open_login(self.app, user_id)
        with self.http.session_transaction() as session:
            log_in(session, user_id, token)

    def csrf(self) -> str:
        return str(self.http.get("/api/auth/session").get_json()["csrf_token"])

    def request(self, method: str, path: str, json: Any = None, *, csrf: bool = True, **kwargs: Any) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}))
        if csrf and method in UNSAFE:
            headers.setdefault("X-CSRF-Token", self.csrf())
        if json is not None:
            kwargs["json"] = json
        return self.http.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        return self.request("POST", path, json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        return self.request("PUT", path, json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        return self.request("PATCH", path, json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("DELETE", path, **kwargs)


@dataclass
class DossierWorld:
    """A draft dossier with two actions, one member of each role, and an outsider."""

    app: Flask
    dossier_id: int
    action_ids: list[int]
    user_ids: dict[str, int] = field(default_factory=dict)
    member_ids: dict[str, int] = field(default_factory=dict)

    def client(self, who: str) -> ApiClient:
        return ApiClient(self.app, None if who == "anonymous" else self.user_ids[who])

    def url(self, suffix: str = "") -> str:
        return f"/api/dossiers/{self.dossier_id}{suffix}"


def join(app: Flask, dossier_id: int, lead_id: int, role: Role, name: str, email: str | None = None) -> int:
    """Invite someone and accept the link through the services; returns the user id."""
    with app.app_context():
        lead = db.session.get(User, lead_id)
        link = invitations.create_invitation(dossier_id, lead, role, 14, label=name)
        token = invitations.token_for(link)
        if email:
            accepted = invitations.accept(token, None, display_name=name, email=email, password=PASSWORD)
        else:
            accepted = invitations.accept(token, None, display_name=name)
        return accepted.user.id


def build_world(app: Flask) -> DossierWorld:
    with app.app_context():
        lead = accounts.create_account("lea@porteur.example", PASSWORD, "Léa Porteur")
        outsider = accounts.create_account("otto@ailleurs.example", PASSWORD, "Otto Ailleurs")
        db.session.commit()
        dossier = dossiers.create_dossier(lead, "Projet Jardin partagé", "Association Les Racines")
        action_ids = [actions.add_action(dossier.id, t).id for t in ("Jardin", "Cuisine")]
        world = DossierWorld(app, dossier.id, action_ids)
        world.user_ids = {"lead": lead.id, "outsider": outsider.id}
    world.user_ids["partner"] = join(
        app, world.dossier_id, lead.id, Role.PARTNER, "Paul Partenaire", "paul@partenaire.example"
    )
    world.user_ids["beneficiary"] = join(app, world.dossier_id, lead.id, Role.BENEFICIARY, "Béa")
    world.user_ids["observer"] = join(app, world.dossier_id, lead.id, Role.OBSERVER, "Odile")
    with app.app_context():
        rows = db.session.execute(
            sa.text("SELECT id, user_id FROM memberships WHERE dossier_id = :d"), {"d": world.dossier_id}
        )
        by_user = {user_id: member_id for member_id, user_id in rows}
    world.member_ids = {who: by_user[uid] for who, uid in world.user_ids.items() if uid in by_user}
    return world


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order.

    Login sessions are left out: tests open them for their clients at any moment
    (``ApiClient``, ``session_cookie``), and refused input never touches them.
    """
    with app.app_context():
        db.session.remove()
        result = {}
        for table in db.metadata.sorted_tables:
            if table.name == "user_sessions":
                continue
            rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            result[table.name] = [tuple(row) for row in rows]
        db.session.remove()
        return result


def dossier_shared_with(world: DossierWorld, who: str, role: Role = Role.BENEFICIARY) -> int:
    """The outsider's own dossier, which ``who`` (a member of the world's dossier) also joins; returns its id."""
    with world.app.app_context():
        outsider = db.session.get(User, world.user_ids["outsider"])
        person = db.session.get(User, world.user_ids[who])
        other = dossiers.create_dossier(outsider, "Projet d'Otto", "Ailleurs")
        actions.add_action(other.id, "Ailleurs")
        link = invitations.create_invitation(other.id, outsider, role, 14)
        invitations.accept(invitations.token_for(link), person)
        return other.id


def sign_up(client: ApiClient, email: str, password: str, display_name: str) -> TestResponse:
    """Sign up over HTTP as a person does: ask (202), open the link e-mailed to the test SMTP server,
    confirm; returns the confirmation's reply (201 and the session, for a new address)."""
    from tests.mail import shared_mail_server

    mails = shared_mail_server()
    before = len(mails.to(email.strip()))
    asked = client.post("/api/auth/signup", {"email": email, "password": password, "display_name": display_name})
    assert asked.status_code == 202, asked.get_json()
    link = mails.wait_for(email.strip(), before + 1).link("/signup/")
    return client.post("/api/auth/signup/confirm", {"token": link.rsplit("/", 1)[1]})
