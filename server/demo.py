"""The demo dossier: an épicerie solidaire in the Pas-de-Calais, seeded through the services."""

from __future__ import annotations

from dataclasses import dataclass

from .extensions import db
from .models import Dossier, Membership, Role, User
from .services import accounts, actions, dossiers, invitations

DEMO_PASSWORD = "codossier-demo"
LEAD_EMAIL = "porteur@demo.codossier.fr"


@dataclass(frozen=True)
class Person:
    name: str
    role: Role
    email: str | None = None


PEOPLE = (
    Person("Nadia Moreau (L'Épi Solidaire)", Role.LEAD, LEAD_EMAIL),
    Person("Marion Lefebvre (Centre social Jean-Jaurès)", Role.PARTNER, "partenaire1@demo.codossier.fr"),
    Person("Karim Benali (Banque alimentaire du Pas-de-Calais)", Role.PARTNER, "partenaire2@demo.codossier.fr"),
    Person("Sylvie", Role.BENEFICIARY),
    Person("Jordan", Role.BENEFICIARY),
    Person("Hélène Dupuis (Département du Pas-de-Calais)", Role.OBSERVER, "observateur@demo.codossier.fr"),
)

TITLE = "Projet Panier Commun"
STRUCTURE = "Association L'Épi Solidaire, Liévin (Pas-de-Calais)"
ACTIONS = (
    "Une épicerie solidaire itinérante dans les villages du bassin minier",
    "Des ateliers cuisine et anti-gaspillage animés avec les habitants",
    "Un comité d'usagers : les bénéficiaires co-gèrent l'épicerie",
)


def demo_dossier() -> Dossier | None:
    return db.session.scalar(
        db.select(Dossier).join(User, Dossier.created_by_id == User.id).where(User.email == LEAD_EMAIL)
    )


def seed() -> Dossier:
    """Create the demo dossier once; later calls return the existing one."""
    existing = demo_dossier()
    if existing is not None:
        return existing
    lead_person, *others = PEOPLE
    lead = accounts.create_account(lead_person.email or "", DEMO_PASSWORD, lead_person.name)
    dossier = dossiers.create_dossier(lead, TITLE, STRUCTURE)
    for title in ACTIONS:
        actions.add_action(dossier.id, title)
    for person in others:
        link = invitations.create_invitation(dossier.id, lead, person.role, 14, label=person.name)
        if person.email:
            invitations.accept(
                invitations.token_for(link), None, display_name=person.name, email=person.email, password=DEMO_PASSWORD
            )
        else:
            invitations.accept(invitations.token_for(link), None, display_name=person.name)
    invitations.create_invitation(dossier.id, lead, Role.BENEFICIARY, 14, label="Famille Martin")
    return dossier


def reentry_links(dossier: Dossier) -> list[tuple[str, str]]:
    """Fresh personal links (name, path) for the demo members who have no e-mail."""
    lead = next(m for m in dossier.memberships if m.role == Role.LEAD.value)
    links = []
    for membership in list(dossier.memberships):
        if not membership.user.has_account:
            link = invitations.create_reentry_link(dossier.id, lead.user, membership.id, 14)
            links.append((membership.user.display_name, invitations.link_for(link)))
    return links


def account_members(dossier: Dossier) -> list[Membership]:
    return [m for m in dossier.memberships if m.user.has_account]
