"""The dossier exported as the funder expects it (DOCX, PDF), and the minutes of a decision.

Everything is built through the services: answers are pycrdt updates appended
to the documents' log (TipTap's schema: one ``XmlFragment`` per question,
``paragraph``/``heading``/``bulletList``… elements, marks as text attributes),
the priority order is a counted and adopted poll, the submitted dossier went
through freeze, final approval and submit. The files are read back with
python-docx and pypdf.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

import docx
import pycrdt
import pytest
from docx.oxml.ns import qn
from flask import Flask
from pypdf import PdfReader
from werkzeug.test import TestResponse

from server.extensions import db
from server.models import DecisionKind, Dossier, User
from server.services import actions, clock, content, decisions, documents, dossiers, lifecycle, polls, register
from server.services.decision_rules import Choice, Rule
from server.services.export import model as export_model
from server.services.export import pdf as export_pdf
from server.services.forms import get_template
from tests.support import DossierWorld, build_world

from .conftest import assert_error

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MISSING = "Réponse obligatoire manquante"
ANNEXE_B = get_template("annexe_b", 1)
STORYBOARD = get_template("storyboard", 1)
assert ANNEXE_B is not None and STORYBOARD is not None


# --- writing answers into the CRDT, as TipTap does ------------------------------------------

Run = str | tuple[str, dict[str, Any]]


class Rich:
    """Builds TipTap nodes; the formatted text is inserted once the nodes are in the document."""

    def __init__(self) -> None:
        self.pending: list[tuple[pycrdt.XmlText, tuple[Run, ...]]] = []

    def _text(self, *runs: Run) -> pycrdt.XmlText:
        node = pycrdt.XmlText()
        self.pending.append((node, runs))
        return node

    def p(self, *runs: Run) -> pycrdt.XmlElement:
        return pycrdt.XmlElement("paragraph", {}, [self._text(*runs)])

    def h(self, level: int, text: str) -> pycrdt.XmlElement:
        return pycrdt.XmlElement("heading", {"level": float(level)}, [self._text(text)])

    def ul(self, *items: str) -> pycrdt.XmlElement:
        return pycrdt.XmlElement("bulletList", {}, [pycrdt.XmlElement("listItem", {}, [self.p(i)]) for i in items])

    def ol(self, *items: str) -> pycrdt.XmlElement:
        return pycrdt.XmlElement("orderedList", {}, [pycrdt.XmlElement("listItem", {}, [self.p(i)]) for i in items])

    def raw(self, tag: str, *runs: Run) -> pycrdt.XmlElement:
        return pycrdt.XmlElement(tag, {}, [self._text(*runs)])

    def fill(self) -> None:
        for node, runs in self.pending:
            for run in runs:
                text, attrs = (run, None) if isinstance(run, str) else run
                node.insert(len(node), text, attrs)


def write(app: Flask, dossier_id: int, document: str, answers: dict[str, Any], author_id: int) -> None:
    """Replace answers (question key → list of nodes built by a ``Rich``, or plain text) in one stored update."""
    with app.app_context():
        ref = documents.DocumentRef(dossier_id, document)
        doc = documents.load_doc(ref)
        before = doc.get_state()
        rich = Rich()
        for key, value in answers.items():
            fragment = doc.get(key, type=pycrdt.XmlFragment)
            del fragment.children[0 : len(fragment.children)]
            nodes = value(rich) if callable(value) else [rich.p(value)] if value else []
            for node in nodes:
                fragment.children.append(node)
        rich.fill()
        documents.append([(ref, author_id, doc.get_update(before))])
        db.session.commit()
        db.session.remove()


def action_doc(action_id: int) -> str:
    return documents.action_document(action_id)


def formatted(r: Rich) -> list[pycrdt.XmlElement]:
    return [
        r.p(
            "Un texte avec ",
            ("du gras important", {"bold": {}}),
            " et ",
            ("une nuance italique", {"italic": {}}),
            ", un ",
            ("lien", {"link": {"href": "https://exemple.fr/projet"}}),
            ".",
        ),
        r.h(2, "Un intertitre de la réponse"),
        r.ul("premier point de liste", "second point de liste"),
        r.ol("étape numérotée une", "étape numérotée deux"),
    ]


# --- scenes --------------------------------------------------------------------------------


@dataclass
class Scene:
    world: DossierWorld
    titles: dict[int, str]
    adopted: list[int]

    @property
    def app(self) -> Flask:
        return self.world.app


def _user(who: str, world: DossierWorld) -> User:
    found = db.session.get(User, world.user_ids[who])
    assert found is not None
    return found


def _adopt_order(world: DossierWorld, ranking: list[int]) -> None:
    """A priority vote where every voter ranks ``ranking``; it is adopted when it closes."""
    with world.app.app_context():
        poll = polls.open_poll(
            world.dossier_id,
            _user("lead", world),
            closes_at=clock.now() + timedelta(days=3),
            secret=False,
            adopt_on_close=True,
        )
        for who in ("lead", "partner", "beneficiary"):
            polls.cast_ballot(world.dossier_id, poll.id, _user(who, world), [[a] for a in ranking])
        polls.close_poll(world.dossier_id, poll.id, _user("lead", world), "lead")
        db.session.remove()


def _consent_decision(world: DossierWorld) -> int:
    """A decision by consent with an objection that is maintained: not adopted; with its statement."""
    with world.app.app_context():
        taken = decisions.propose(
            world.dossier_id,
            _user("partner", world),
            kind=DecisionKind.GENERAL,
            title="Horaires du jardin",
            text="Le jardin ouvre le dimanche matin.",
            rule=Rule.CONSENTEMENT,
            quorum_percent=50,
            closes_at=clock.now() + timedelta(days=3),
        )
        decisions.vote(
            world.dossier_id,
            taken.id,
            _user("beneficiary", world),
            Choice.OBJECTION,
            "Le dimanche, les familles ne sont pas disponibles.",
        )
        decisions.vote(world.dossier_id, taken.id, _user("lead", world), Choice.POUR)
        decisions.vote(world.dossier_id, taken.id, _user("partner", world), Choice.POUR)
        decisions.close(world.dossier_id, taken.id, _user("partner", world), "partner")
        decisions.add_statement(
            world.dossier_id,
            taken.id,
            _user("partner", world),
            "Non adoptée : nous chercherons un autre jour avec les familles.",
        )
        decision_id = taken.id
        db.session.remove()
        return decision_id


def _draft_scene(app: Flask) -> Scene:
    world = build_world(app)
    with app.app_context():
        third = actions.add_action(world.dossier_id, "Atelier « réparation » des vélos").id
        db.session.remove()
    world.action_ids.append(third)
    jardin, cuisine, ateliers = world.action_ids
    titles = {jardin: "Jardin", cuisine: "Cuisine", ateliers: "Atelier « réparation » des vélos"}
    lead, partner, beneficiary = (world.user_ids[w] for w in ("lead", "partner", "beneficiary"))
    write(
        app,
        world.dossier_id,
        action_doc(jardin),
        {"objectifs": formatted, "descriptif": "Le jardin du quartier."},
        lead,
    )
    write(app, world.dossier_id, action_doc(cuisine), {"objectifs": "Cuisiner les récoltes ensemble."}, partner)
    write(
        app,
        world.dossier_id,
        action_doc(ateliers),
        {"objectifs": "Réparer les vélos des habitants.", "besoins": "Personne ne répare les vélos ici."},
        beneficiary,
    )
    write(
        app,
        world.dossier_id,
        documents.STORYBOARD,
        {"place_beneficiaires": "Les bénéficiaires animent les ateliers."},
        beneficiary,
    )
    adopted = [ateliers, jardin, cuisine]
    _adopt_order(world, adopted)
    return Scene(world, titles, adopted)


@pytest.fixture
def scene(sqlite_app: Flask) -> Scene:
    """A draft with three actions, some answers (one richly formatted), an adopted order ≠ creation order."""
    return _draft_scene(sqlite_app)


@pytest.fixture
def submitted(sqlite_app: Flask) -> Scene:
    """A dossier taken all the way: every required answer, adopted order, freeze, final approval, submit."""
    world = build_world(sqlite_app)
    keys = [q.key for q in ANNEXE_B.questions if q.required]
    for action_id in world.action_ids:
        write(
            sqlite_app,
            world.dossier_id,
            action_doc(action_id),
            {k: f"Réponse « {k} » pour les bénéficiaires de l'action {action_id}." for k in keys},
            world.user_ids["partner"],
        )
    adopted = list(reversed(world.action_ids))
    _adopt_order(world, adopted)
    with sqlite_app.app_context():
        lead = _user("lead", world)
        approval = lifecycle.freeze(
            world.dossier_id,
            lead,
            rule=Rule.MAJORITE_SIMPLE,
            quorum_percent=50,
            closes_at=clock.now() + timedelta(days=3),
        )
        for who in ("lead", "partner", "beneficiary"):
            decisions.vote(world.dossier_id, approval.id, _user(who, world), Choice.POUR)
        decisions.close(world.dossier_id, approval.id, lead, "lead")
        lifecycle.submit(world.dossier_id, _user("lead", world))
        db.session.remove()
    return Scene(world, {world.action_ids[0]: "Jardin", world.action_ids[1]: "Cuisine"}, adopted)


# --- reading the files back ---------------------------------------------------------------------


def download(world: DossierWorld, path: str, who: str = "observer") -> TestResponse:
    reply = world.client(who).get(world.url(path))
    assert reply.status_code == 200, reply.get_data(as_text=True)[:500]
    return reply


def open_docx(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def docx_text(document: Any) -> str:
    """Every paragraph of the body, the tables, the headers and the footers."""
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def docx_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def plain(text: str) -> str:
    """Typographic apostrophes and spaces as typed on a keyboard, whitespace collapsed."""
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("\u00a0", " ").replace("\u202f", " "))


def embedded_fonts(data: bytes) -> dict[str, bool]:
    """Each font used by the PDF's pages → whether its program is embedded (FontFile, FontFile2 or FontFile3)."""
    found: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {}).get_object()
        for font in fonts.values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            found[str(font.get("/BaseFont"))] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def hashes(app: Flask, dossier_id: int) -> tuple[str, str]:
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        head = register.head(dossier_id)
        assert dossier is not None and head is not None
        try:
            return content.content_hash(dossier), head.hash
        finally:
            db.session.remove()


def positions(text: str, needles: list[str]) -> list[int]:
    found = [text.find(n) for n in needles]
    assert all(i >= 0 for i in found), list(zip(needles, found, strict=True))
    return found


# --- DOCX ----------------------------------------------------------------------------------------


def test_docx_follows_the_adopted_order_the_form_and_the_formatting(scene: Scene) -> None:
    world = scene.world
    reply = download(world, "/export.docx")
    assert reply.mimetype == DOCX_TYPE
    assert reply.headers["Content-Disposition"] == (
        'attachment; filename="Dossier-Projet-Jardin-partage-brouillon.docx"; '
        "filename*=UTF-8''Dossier-Projet-Jardin-partag%C3%A9-brouillon.docx"
    )
    document = open_docx(reply.data)
    paragraphs = document.paragraphs
    styles = [p.style.name for p in paragraphs]

    # A4
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)

    # one Annexe B per action, in the adopted order, with its title and rank
    titles = [p.text for p in paragraphs if p.text.startswith("Intitulé de l’action : ")]
    assert titles == [f"Intitulé de l’action : {scene.titles[a]}" for a in scene.adopted]
    ranks = [p.text for p in paragraphs if p.text.startswith("Ordre d’importance : ")]
    assert ranks == ["Ordre d’importance : 1 / 3", "Ordre d’importance : 2 / 3", "Ordre d’importance : 3 / 3"]
    annexes = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert [a for a in annexes if a.startswith("Annexe B")] == [
        f"Annexe B\u00a0: action d’innovation sociale — action {n} / 3" for n in (1, 2, 3)
    ]

    # every question, in the form's order, with the funder's wording, in each action
    labels = [p.text.removesuffix(" *") for p in paragraphs if p.style.name == "Heading 3"]
    form = [q.label.fr for q in ANNEXE_B.questions]
    assert labels[: 3 * len(form)] == form * 3
    wordings = [p.text for p in paragraphs if p.style.name == "Question"]
    for question in ANNEXE_B.questions:
        if question.key in ("besoins", "diagnostic", "partenariat_inedit", "pratiques_collaboratives"):
            assert question.wording.fr in wordings

    # the answer keeps its formatting
    runs = [r for p in paragraphs for r in p.runs]
    assert any(r.text == "du gras important" and r.bold for r in runs)
    assert any(r.text == "une nuance italique" and r.italic for r in runs)
    assert next(p for p in paragraphs if p.text == "premier point de liste").style.name == "List Bullet"
    assert next(p for p in paragraphs if p.text == "étape numérotée deux").style.name == "List Number"
    assert next(p for p in paragraphs if p.text == "Un intertitre de la réponse").style.name.startswith("Heading")
    linked = next(p for p in paragraphs if "Un texte avec" in p.text)
    assert [h.address for h in linked.hyperlinks] == ["https://exemple.fr/projet"]
    assert [h.text for h in linked.hyperlinks] == ["lien"]

    # empty required answers are marked, in a draft
    missing = [p for p in paragraphs if MISSING in p.text]
    required = sum(q.required for q in ANNEXE_B.questions)
    answered_required = 2 + 1 + 2  # jardin: objectifs, descriptif; cuisine: objectifs; ateliers: objectifs, besoins
    assert len(missing) == 3 * required - answered_required
    assert all(p.style.name == "Missing Answer" for p in missing)

    # the annexes
    assert "Annexe : Le storyboard de l'innovation sociale" in annexes
    assert "Annexe : Gouvernance partagée" in annexes
    headings2 = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    assert "Séquence 1 : Besoin collectif, aspiration sociale" in headings2
    assert "Séquence «\u00a0clap\u00a0»" in headings2
    assert sum(h.startswith("Séquence") for h in headings2) == len(STORYBOARD.questions) == 12
    assert {
        "Membres du projet",
        "Ordre de priorité des actions",
        "Décisions collégiales",
        "Participation des parties prenantes",
        "Registre des décisions",
    } <= set(headings2)
    assert "Les bénéficiaires animent les ateliers." in [p.text for p in paragraphs]
    text = docx_text(document)
    assert "Matrice des préférences deux à deux" in text and "Odile" in text and "Béa" in text
    assert styles.count("Title") == 1

    # the footer: both hashes and the page number fields; BROUILLON in the header and on the cover
    content_hash, head = hashes(scene.app, world.dossier_id)
    footer = [p.text for p in section.footer.paragraphs]
    assert footer[0] == f"Empreinte du contenu : {content_hash}"
    assert footer[1].startswith(f"Registre : {head}\tPage ")
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    assert "BROUILLON" in section.header.paragraphs[0].text
    assert any(p.text == "BROUILLON" and p.style.name == "Draft Mark" for p in paragraphs)


def test_docx_core_properties_and_language(scene: Scene) -> None:
    document = open_docx(download(scene.world, "/export.docx").data)
    assert document.core_properties.title == "Projet Jardin partagé"
    assert document.core_properties.language == "fr-FR"
    assert 'w:val="fr-FR"' in document.styles.element.xml


# --- PDF -----------------------------------------------------------------------------------------


def test_pdf_follows_the_adopted_order_with_accents_fonts_and_footers(scene: Scene) -> None:
    world = scene.world
    reply = download(world, "/export.pdf", who="beneficiary")
    assert reply.mimetype == "application/pdf"
    disposition = reply.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Dossier-Projet-Jardin-partage-brouillon.pdf"')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Dossier-Projet-Jardin-partagé-brouillon.pdf"
    pages = pdf_pages(reply.data)
    text = plain("\n".join(pages))

    # accents intact
    assert "Intitulé de l'action" in text
    assert "bénéficiaires" in text and "Méthodes et moyens mis en œuvre" in text
    # actions in the adopted order, each with its rank, then the annexes
    starts = positions(text, [f"Annexe B : action d'innovation sociale action {n} / 3" for n in (1, 2, 3)])
    assert starts == sorted(starts)
    titled = positions(text, [f"Intitulé de l'action {plain(scene.titles[a])}" for a in scene.adopted])
    assert titled == sorted(titled)
    assert text.count("Ordre d'importance") == 3
    storyboard = text.find("Annexe : Le storyboard de l'innovation sociale", starts[-1])
    governance = text.find("Annexe : Gouvernance partagée Cette annexe", starts[-1])
    assert starts[-1] < storyboard < governance
    # every question of the first action, in the form's order
    first = text[starts[0] : starts[1]]
    found = positions(first, [q.label.fr.replace("’", "'") for q in ANNEXE_B.questions])
    assert found == sorted(found)
    assert plain(ANNEXE_B.questions[5].wording.fr) in first
    assert "du gras important" in text and "premier point de liste" in text
    assert text.count(MISSING) == 3 * sum(q.required for q in ANNEXE_B.questions) - 5

    # every page: the hashes and "page X / Y"; the draft mark
    content_hash, head = hashes(scene.app, world.dossier_id)
    for number, page in enumerate(pages, start=1):
        flat = plain(page)
        assert f"Empreinte du contenu : {content_hash}" in flat, number
        assert f"Registre : {head}" in flat, number
        assert f"page {number} / {len(pages)}" in flat, number
        assert "BROUILLON" in flat, number

    # A4, fonts embedded, no script
    reader = PdfReader(io.BytesIO(reply.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    fonts = embedded_fonts(reply.data)
    assert fonts and all(fonts.values()), fonts
    assert b"/JavaScript" not in reply.data and b"/JS " not in reply.data


def test_an_order_no_vote_adopted_is_marked_provisional(scene: Scene) -> None:
    world = scene.world
    with scene.app.app_context():
        actions.reorder_actions(world.dossier_id, list(reversed(scene.adopted)))
        db.session.remove()
    document = open_docx(download(world, "/export.docx").data)
    ranks = [p.text for p in document.paragraphs if p.text.startswith("Ordre d’importance : ")]
    assert ranks == [
        f"Ordre d’importance : {n} / 3 (provisoire : aucun vote de priorité n’a adopté cet ordre)" for n in (1, 2, 3)
    ]
    assert any(p.text.startswith("L’ordre actuel des actions n’est pas celui de ce vote") for p in document.paragraphs)
    text = plain("\n".join(pdf_pages(download(world, "/export.pdf").data)))
    assert text.count("provisoire : aucun vote de priorité n'a adopté cet ordre") == 3
    assert "un nouveau vote de priorité est nécessaire" in text


# --- a submitted dossier -----------------------------------------------------------------------


def test_a_submitted_dossier_exports_without_any_draft_mark(submitted: Scene) -> None:
    world = submitted.world
    content_hash, head = hashes(submitted.app, world.dossier_id)
    with submitted.app.app_context():
        receipt = lifecycle.receipt_of(lifecycle.submission(world.dossier_id))
    assert receipt["register_head"] == head and receipt["content_hash"] == content_hash

    reply = download(world, "/export.docx")
    assert 'filename="Dossier-Projet-Jardin-partage-depose.docx"' in reply.headers["Content-Disposition"]
    document = open_docx(reply.data)
    text = docx_text(document)
    assert "BROUILLON" not in text and "Version de travail" not in text
    assert MISSING not in text
    assert [p.text for p in document.paragraphs if p.text.startswith("Intitulé")] == [
        f"Intitulé de l’action : {submitted.titles[a]}" for a in submitted.adopted
    ]
    assert "Déposé le" in text and "Approbation finale du dossier" in text
    footer = [p.text for p in document.sections[0].footer.paragraphs]
    assert footer[0] == f"Empreinte du contenu : {content_hash}" and footer[1].startswith(f"Registre : {head}")

    pdf = download(world, "/export.pdf")
    assert 'filename="Dossier-Projet-Jardin-partage-depose.pdf"' in pdf.headers["Content-Disposition"]
    pages = pdf_pages(pdf.data)
    joined = plain("\n".join(pages))
    assert "BROUILLON" not in joined and MISSING not in joined
    assert all(f"Empreinte du contenu : {content_hash}" in plain(p) for p in pages)
    assert all(f"Registre : {head}" in plain(p) for p in pages)
    assert "Déposé" in joined


# --- hostile and unusual answers -------------------------------------------------------------------

SCRIPT = "<script>alert('pwned')</script><img src=x onerror=alert(1)>"
ARABIC = "مرحبا بكم في الحديقة المشتركة"
HEBREW = "ברוכים הבאים לגינה"
EMOJI = "Fête du jardin 🎉🌻👩🏽‍🌾"
LONG = (
    "Le jardin partagé accueille les habitants du quartier chaque samedi matin pour cultiver ensemble des légumes "
    "et apprendre à cuisiner les récoltes avec les bénévoles de l'association. "
) * 4


def test_html_script_rtl_and_a_fifty_page_answer_export_safely(sqlite_app: Flask) -> None:
    world = build_world(sqlite_app)
    with sqlite_app.app_context():
        dossiers.update_dossier(world.dossier_id, title="Projet <b>Jardin</b> <script>alert(1)</script>\x07")
        db.session.remove()
    write(
        sqlite_app,
        world.dossier_id,
        action_doc(world.action_ids[0]),
        {
            "objectifs": lambda r: [
                r.p(SCRIPT),
                r.raw("script", "alert('element')"),
                r.raw("iframe", "cadre"),
                r.p(
                    ("lien piégé", {"link": {"href": "javascript:alert(1)"}}),
                    " et ",
                    ("données", {"link": {"href": "data:text/html,x"}}),
                ),
                r.p(ARABIC),
                r.p(HEBREW),
                r.p("caractères de contrôle \x01\x0b\x1f supprimés"),
            ],
            "descriptif": lambda r: [r.p(f"{n}. {LONG}") for n in range(1, 241)],
        },
        world.user_ids["lead"],
    )

    with sqlite_app.app_context():
        built = export_model.build(db.session.get(Dossier, world.dossier_id))
        html = export_pdf.dossier_html(built)
        db.session.remove()
    lowered = html.lower()
    assert "<script" not in lowered and "<iframe" not in lowered and "<img" not in lowered
    assert "javascript:" not in html and "data:text" not in html and not re.search(r"<[^>]*onerror", html)
    assert "&lt;script&gt;alert(" in html and "&lt;b&gt;Jardin&lt;/b&gt;" in html

    docx_reply = download(world, "/export.docx")
    xml = docx_xml(docx_reply.data)
    assert "<script" not in xml and "<img" not in xml and "javascript:" not in xml
    document = open_docx(docx_reply.data)
    texts = [p.text for p in document.paragraphs]
    assert SCRIPT in texts and ARABIC in texts and HEBREW in texts
    assert "alert('element')cadre" in texts  # unknown elements keep only their text
    assert "lien piégé et données" in texts
    assert "caractères de contrôle  supprimés" in texts
    rtl = next(p for p in document.paragraphs if p.text == ARABIC)
    assert rtl._p.pPr.find(qn("w:bidi")) is not None
    assert document.core_properties.title == "Projet <b>Jardin</b> <script>alert(1)</script>"
    assert sum(1 for t in texts if t.strip().endswith(LONG.strip())) == 240

    data = download(world, "/export.pdf").data
    assert b"/JavaScript" not in data and b"/JS " not in data and b"/Launch" not in data
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 50
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "<script>alert('pwned')</script>" in text  # shown as the text it is
    assert "Projet <b>Jardin</b>" in text
    assert ARABIC in text and HEBREW in text
    assert "240. Le jardin partagé" in plain(text)
    assert "caractères de contrôle supprimés" in plain(text)
    fonts = embedded_fonts(data)
    assert fonts and all(fonts.values()), fonts


def test_emoji_export_and_keep_their_text(sqlite_app: Flask) -> None:
    """No emoji font on a plain server: the PDF shows a box, but the text (ToUnicode) keeps the emoji."""
    world = build_world(sqlite_app)
    write(sqlite_app, world.dossier_id, documents.STORYBOARD, {"clap": lambda r: [r.p(EMOJI)]}, world.user_ids["lead"])

    document = open_docx(download(world, "/export.docx").data)
    assert EMOJI in [p.text for p in document.paragraphs]

    data = download(world, "/export.pdf").data
    reader = PdfReader(io.BytesIO(data))
    maps = b""
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            unicode_map = font.get_object().get("/ToUnicode")
            if unicode_map is not None:
                maps += unicode_map.get_object().get_data()
    assert b"d83cdf89" in maps.lower()  # 🎉 in UTF-16, as the copied text
    assert all(embedded_fonts(data).values())


# --- minutes ---------------------------------------------------------------------------------------


def test_minutes_state_the_rule_the_objection_and_the_outcome(scene: Scene) -> None:
    world = scene.world
    decision_id = _consent_decision(world)
    with scene.app.app_context():
        sequence = decisions.decision(world.dossier_id, decision_id).register_sequence
        db.session.remove()

    reply = download(world, f"/decisions/{decision_id}/minutes.docx")
    assert reply.mimetype == DOCX_TYPE
    disposition = reply.headers["Content-Disposition"]
    assert f'filename="Proces-verbal-decision-{decision_id}-Horaires-du-jardin.docx"' in disposition
    assert f"Proc%C3%A8s-verbal-d%C3%A9cision-{decision_id}-Horaires-du-jardin.docx" in disposition
    document = open_docx(reply.data)
    text = docx_text(document)
    assert f"Procès-verbal de décision n° {decision_id}" in text
    assert "Consentement : adoptée si aucune objection motivée n’est maintenue" in text
    assert "«\u00a0Le dimanche, les familles ne sont pas disponibles.\u00a0» — Béa (maintenue)" in text
    assert "Non adoptée" in text and "objection maintenue" in text
    assert "Non adoptée : nous chercherons un autre jour avec les familles." in text
    assert f"entrée n° {sequence}" in text
    assert "Béa" in text and "Bénéficiaire" in text and "Léa Porteur" in text and "Structure porteuse" in text
    assert "quorum de 50 % atteint" in text.replace("\u00a0", " ")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Texte de la proposition",
        "Participants",
        "Décompte",
        "Objections",
        "Issue",
        "Déclaration de résultat",
        "Registre",
    ]
    assert "BROUILLON" not in text

    pdf = download(world, f"/decisions/{decision_id}/minutes.pdf", who="lead")
    assert pdf.mimetype == "application/pdf"
    flat = plain("\n".join(pdf_pages(pdf.data)))
    assert f"Procès-verbal de décision n° {decision_id}" in flat
    assert "Consentement : adoptée si aucune objection motivée n'est maintenue" in flat
    assert "Le dimanche, les familles ne sont pas disponibles." in flat
    assert "Non adoptée" in flat and "nous chercherons un autre jour" in flat
    assert f"entrée n° {sequence}" in flat
    assert all(embedded_fonts(pdf.data).values())


def test_minutes_need_a_closed_decision_of_this_dossier(scene: Scene) -> None:
    world = scene.world
    with scene.app.app_context():
        opened = decisions.propose(
            world.dossier_id,
            _user("lead", world),
            kind=DecisionKind.GENERAL,
            title="En cours",
            text="Une décision encore ouverte.",
            rule=Rule.MAJORITE_SIMPLE,
            quorum_percent=50,
            closes_at=clock.now() + timedelta(days=3),
        ).id
        db.session.remove()
    assert_error(world.client("lead").get(world.url(f"/decisions/{opened}/minutes.pdf")), 409, "decision_not_closed")
    assert_error(world.client("lead").get(world.url("/decisions/999999/minutes.docx")), 404, "not_found")


# --- the model agrees with the services ------------------------------------------------------------


def test_the_export_model_hashes_like_the_content_service(scene: Scene) -> None:
    with scene.app.app_context():
        dossier = db.session.get(Dossier, scene.world.dossier_id)
        built = export_model.build(dossier)
        assert built.content_hash == content.content_hash(dossier)
        assert [a.id for a in built.actions] == scene.adopted
        assert built.priority is not None and [t for _, t in built.priority.order] == [
            scene.titles[a] for a in scene.adopted
        ]
        by_role = {r.group: r for r in built.participation.by_role}
        assert by_role["Bénéficiaires"].votes == 1 and by_role["Structure porteuse"].votes == 1
        assert by_role["Observateurs"].text_share.startswith("0")
        assert sum(
            int(r.text_share.split("\u00a0")[0]) for r in built.participation.by_role if r.text_share[0].isdigit()
        ) in (99, 100, 101)
        db.session.remove()


# --- policy and the API document -------------------------------------------------------------------

ROUTES = ("/export.docx", "/export.pdf", "/decisions/{d}/minutes.docx", "/decisions/{d}/minutes.pdf")


@pytest.fixture
def policy_world(world: DossierWorld) -> Iterator[tuple[DossierWorld, int]]:
    yield world, _consent_decision(world)


@pytest.mark.parametrize("route", ROUTES)
def test_everyone_who_reads_the_dossier_may_export_it(policy_world: tuple[DossierWorld, int], route: str) -> None:
    world, decision_id = policy_world
    path = world.url(route.format(d=decision_id))
    for who in ("observer", "lead"):
        reply = world.client(who).get(path)
        assert reply.status_code == 200, (who, reply.get_data(as_text=True)[:300])
        assert reply.headers["Content-Disposition"].startswith("attachment; filename=")
    outsider = assert_error(world.client("outsider").get(path), 404, "not_found")
    assert outsider["message"] == "No such dossier."
    assert_error(world.client("anonymous").get(path), 401, "not_authenticated")


def test_the_export_routes_are_in_the_openapi_document(client: Any) -> None:
    document = client.get("/api/openapi.json").get_json()
    paths = document["paths"]
    for suffix in ("export.docx", "export.pdf", "minutes.docx", "minutes.pdf"):
        matches = [p for p in paths if p.endswith(suffix)]
        assert len(matches) == 1, suffix
        operation = paths[matches[0]]["get"]
        assert operation["tags"] == ["export"]
        assert "200" in operation["responses"] and "404" in operation["responses"]
