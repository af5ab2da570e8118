"""The demo dossier: an épicerie solidaire in the Pas-de-Calais, seeded through the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
    dossier: Dossier | None = db.session.scalar(
        db.select(Dossier).join(User, Dossier.created_by_id == User.id).where(User.email == LEAD_EMAIL)
    )
    return dossier


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
    _write_first_answers(dossier)
    return dossier


# First answers, as the members would have typed them: (document, question, author's index in PEOPLE, paragraphs).
FIRST_ANSWERS = (
    (
        0,
        "objectifs",
        0,
        (
            "Rapprocher une alimentation de qualité des habitants des villages du bassin minier "
            "qui n'ont plus de commerce.",
            "Faire de l'épicerie un lieu de rencontre, tenu avec les habitants.",
        ),
    ),
    (
        0,
        "public_beneficiaire",
        3,
        (
            "Les personnes âgées qui ne conduisent plus, les familles sans voiture, les jeunes en insertion.",
            "Moi, je fais 6 km à pied pour acheter des légumes. Avec le camion, je pourrai venir avec mes voisines.",
        ),
    ),
    (
        0,
        "besoins",
        1,
        (
            "Dans neuf villages du secteur, le dernier commerce alimentaire a fermé depuis 2015.",
            "Le centre social constate l'isolement de personnes âgées qui ne sortent plus que pour la pharmacie.",
        ),
    ),
    (
        0,
        "diagnostic",
        2,
        (
            "La banque alimentaire a recensé les demandes d'aide par commune en 2024 ; un questionnaire a été rempli "
            "par 212 habitants lors des marchés et des permanences du centre social.",
        ),
    ),
    (
        None,
        "besoin_collectif",
        4,
        (
            "L'idée vient des habitants : on en a parlé au repas des voisins, "
            "puis on a fait une réunion à la salle des fêtes.",
        ),
    ),
    (
        None,
        "gouvernance_partagee",
        0,
        (
            "Un comité de pilotage élargi se réunit chaque mois : l'association, le centre social, "
            "la banque alimentaire et quatre habitants tirés au sort parmi les bénévoles.",
        ),
    ),
)


def _write_first_answers(dossier: Dossier) -> None:
    """Store the demo's first answers as live-document updates by their authors."""
    import pycrdt

    from .services.documents import STORYBOARD, DocumentRef, action_document, append

    authors = {m.user.display_name: m.user_id for m in dossier.memberships}
    for action_index, question, person_index, paragraphs in FIRST_ANSWERS:
        name = STORYBOARD if action_index is None else action_document(dossier.actions[action_index].id)
        doc: pycrdt.Doc[Any] = pycrdt.Doc()
        fragment = doc.get(question, type=pycrdt.XmlFragment)
        for text in paragraphs:
            fragment.children.append(pycrdt.XmlElement("paragraph", {}, [pycrdt.XmlText(text)]))
        append([(DocumentRef(dossier.id, name), authors[PEOPLE[person_index].name], doc.get_update())])
    db.session.commit()
    _first_comments(dossier)
    _first_governance(dossier)


def _first_comments(dossier: Dossier) -> None:
    """A beneficiary's question on the needs, and the lead's answer."""
    from .services import comments
    from .services.documents import DocumentRef, action_document

    by_name = {m.user.display_name: m for m in dossier.memberships}
    ref = DocumentRef(dossier.id, action_document(dossier.actions[0].id))
    thread = comments.open_thread(
        by_name["Jordan"], ref, "besoins", "On peut dire aussi que le bus ne passe plus le samedi ?"
    )
    comments.reply(by_name[PEOPLE[0].name], dossier.id, thread.id, "Oui, c'est important : je l'ajoute au diagnostic.")


def _first_governance(dossier: Dossier) -> None:
    """Collèges, a priority vote already counted and adopted, one decision taken and one under way."""
    from datetime import timedelta

    from .models import DecisionKind
    from .services import clock, colleges, decisions, polls
    from .services.decision_rules import Choice, Rule

    people = {m.user.display_name: m for m in dossier.memberships}
    lead, partner1, partner2, sylvie, jordan = (people[p.name] for p in PEOPLE[:5])
    for name, weight, members in (
        ("Structure porteuse", 1, (lead,)),
        ("Partenaires", 1, (partner1, partner2)),
        ("Habitants bénéficiaires", 2, (sylvie, jordan)),
    ):
        college = colleges.create(dossier.id, name, weight)
        for member in members:
            colleges.assign(dossier.id, member.id, college.id)

    in_a_week = clock.now() + timedelta(days=7)
    first, second, third = (a.id for a in dossier.actions)
    poll = polls.open_poll(dossier.id, lead.user, closes_at=in_a_week, secret=False, adopt_on_close=True)
    for member, ranking in (
        (lead, [[first], [second], [third]]),
        (partner1, [[second], [first], [third]]),
        (partner2, [[first], [third], [second]]),
        (sylvie, [[third], [first], [second]]),
        (jordan, [[third], [first]]),
    ):
        polls.cast_ballot(dossier.id, poll.id, member.user, ranking)
    polls.close_poll(dossier.id, poll.id, lead.user, lead.role)

    taken = decisions.propose(
        dossier.id,
        partner1.user,
        kind=DecisionKind.GENERAL,
        title="Le comité d'usagers fixe les horaires du camion",
        text="Les horaires de passage du camion dans chaque village sont fixés par le comité d'usagers, "
        "et revus tous les trois mois.",
        rule=Rule.CONSENTEMENT,
        quorum_percent=50,
        closes_at=in_a_week,
    )
    decisions.vote(dossier.id, taken.id, jordan.user, Choice.OBJECTION, "Il faut aussi un passage le samedi matin.")
    decisions.amend(
        dossier.id,
        taken.id,
        partner1.user,
        taken.text + " Un passage le samedi matin est prévu dans chaque village.",
        "Intègre l'objection de Jordan.",
    )
    decisions.set_objection(dossier.id, taken.id, jordan.user, maintained=False)
    for member in (lead, partner1, partner2, sylvie):
        decisions.vote(dossier.id, taken.id, member.user, Choice.POUR)
    decisions.close(dossier.id, taken.id, partner1.user, partner1.role)
    decisions.add_statement(
        dossier.id,
        taken.id,
        partner1.user,
        "Adoptée par consentement après intégration de l'objection : le samedi matin est ajouté.",
    )

    ongoing = decisions.propose(
        dossier.id,
        lead.user,
        kind=DecisionKind.GENERAL,
        title="Budget des ateliers cuisine",
        text="Consacrer 4 000 € du budget de l'action 2 à l'achat d'une cuisine mobile.",
        rule=Rule.MAJORITE_SIMPLE,
        quorum_percent=50,
        closes_at=in_a_week,
        require_every_college=True,
    )
    decisions.vote(dossier.id, ongoing.id, sylvie.user, Choice.POUR)
    decisions.vote(dossier.id, ongoing.id, partner2.user, Choice.ABSTENTION)


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
