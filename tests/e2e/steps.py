"""What a lead does first in every browser test: sign up (through the e-mailed link), then create a dossier."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.mail import shared_mail_server

PHONE = {"width": 360, "height": 740}
PASSWORD = "un mot de passe solide"


def new_email(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@racines.example"


def sign_up(page: Any, name: str, email: str) -> None:
    page.goto("/login")
    expect(page.get_by_role("heading", name="Se connecter", level=1)).to_be_visible()
    assert_accessible(page)
    form = page.get_by_role("form", name="Créer un compte")
    form.get_by_label("Votre nom").fill(name)
    form.get_by_label("Adresse e-mail").fill(email)
    form.get_by_label("Mot de passe").fill(PASSWORD)
    form.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("status")).to_contain_text(f"Nous avons envoyé un message à {email}")
    page.goto(shared_mail_server().wait_for(email).link("/signup/"))
    expect(page.get_by_role("heading", name="Mes dossiers", level=1)).to_be_visible()


def create_dossier(page: Any, title: str, structure: str = "Association Les Racines") -> int:
    """From "Mes dossiers": create a dossier and land on its page; returns its id."""
    create = page.get_by_role("form", name="Créer un dossier")
    create.get_by_label("Titre du dossier").fill(title)
    create.get_by_label("Structure porteuse").fill(structure)
    create.get_by_role("button", name="Créer le dossier").click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    match = re.search(r"/dossiers/(\d+)", page.url)
    assert match, page.url
    return int(match.group(1))
