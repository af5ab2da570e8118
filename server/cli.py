"""The ``codossier`` command: ``demo``, ``serve``, ``db upgrade`` and ``register verify``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

ROLE_FR = {"lead": "porteur", "partner": "partenaire", "beneficiary": "bénéficiaire", "observer": "observateur"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="codossier", description="Codossier: write a grant dossier together.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("demo", "create or reuse a SQLite demo database, seed the demo dossier and start the server"),
        ("serve", "start the server on the configured database (DATABASE_URL)"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--host", default="127.0.0.1")
        command.add_argument("--port", type=int, default=5000)
    db_parser = commands.add_parser("db", help="database maintenance")
    db_parser.add_argument("action", choices=["upgrade"])
    register = commands.add_parser("register", help="the register of decisions")
    register.add_argument("action", choices=["verify"])
    register.add_argument("dossier", type=int, nargs="?", help="the dossier id (taken from the receipt with --receipt)")
    register.add_argument("--head", help="a head hash from a receipt or an export, which must still be in the chain")
    register.add_argument(
        "--receipt", metavar="FILE", help="a submission receipt (recu.json) to check against the dossier's register"
    )
    return parser


RECEIPT_FORMAT = "codossier-receipt-v1"


class ReceiptRefused(Exception):
    """A receipt that does not match the register: (French, English) reasons."""

    def __init__(self, fr: str, en: str) -> None:
        super().__init__(en)
        self.fr, self.en = fr, en


def read_receipt(path: str) -> dict[str, Any]:
    """The receipt file as a dict with the fields verification needs, or ``ReceiptRefused``."""
    import json
    import re

    try:
        with open(path, encoding="utf-8") as handle:
            receipt = json.load(handle)
    except OSError as exc:
        raise ReceiptRefused(f"fichier illisible ({exc.strerror})", f"cannot read the file ({exc.strerror})") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise ReceiptRefused("ce n'est pas un fichier JSON valide", "not a valid JSON file") from exc
    if not isinstance(receipt, dict) or receipt.get("format") != RECEIPT_FORMAT:
        raise ReceiptRefused(f"ce n'est pas un récépissé {RECEIPT_FORMAT}", f"not a {RECEIPT_FORMAT} receipt")
    hex64 = re.compile(r"[0-9a-f]{64}")
    for key, valid in (
        ("dossier_id", lambda v: type(v) is int and v >= 1),
        ("register_sequence", lambda v: type(v) is int and v >= 1),
        ("register_head", lambda v: isinstance(v, str) and hex64.fullmatch(v)),
        ("content_hash", lambda v: isinstance(v, str) and hex64.fullmatch(v)),
        ("submitted_at", lambda v: isinstance(v, str)),
        ("submitted_by", lambda v: isinstance(v, str)),
    ):
        if not valid(receipt.get(key)):
            raise ReceiptRefused(f"le champ « {key} » manque ou est invalide", f"field {key!r} is missing or invalid")
    return receipt


def _check_receipt(receipt: dict[str, Any]) -> None:
    """The receipt's head is its ``submit`` entry, which records the same content hash, time and person."""
    from .extensions import db
    from .models import RegisterEntry
    from .services import register_chain

    dossier_id, sequence = receipt["dossier_id"], receipt["register_sequence"]
    entry = db.session.scalar(
        db.select(RegisterEntry).where(RegisterEntry.dossier_id == dossier_id, RegisterEntry.sequence == sequence)
    )
    if entry is None or entry.hash != receipt["register_head"]:
        raise ReceiptRefused(
            f"l'entrée n° {sequence} du registre n'a pas l'empreinte indiquée par le récépissé",
            f"register entry {sequence} does not have the receipt's register head",
        )
    if entry.kind != "submit":
        raise ReceiptRefused(
            f"l'entrée n° {sequence} du registre n'est pas un dépôt ({entry.kind})",
            f"register entry {sequence} is not a submission ({entry.kind})",
        )
    content = register_chain.decode(entry.content)
    for field, recorded in (("content_hash", "content_hash"), ("submitted_at", "submitted_at"), ("submitted_by", "by")):
        if content.get(recorded) != receipt[field]:
            raise ReceiptRefused(
                f"« {field} » du récépissé ({receipt[field]}) diffère du dépôt enregistré ({content.get(recorded)})",
                f"the receipt's {field} ({receipt[field]}) differs from the recorded submission "
                f"({content.get(recorded)})",
            )


def verify_register(app: Any, dossier_id: int | None, head: str | None, receipt_path: str | None = None) -> int:
    """Print the verification of one dossier's register (and of a receipt against it); 0 when intact, 1 otherwise."""
    from .services import register
    from .services.errors import NotFound

    receipt: dict[str, Any] | None = None
    try:
        if receipt_path is not None:
            receipt = read_receipt(receipt_path)
            if dossier_id is not None and dossier_id != receipt["dossier_id"]:
                raise ReceiptRefused(
                    f"le récépissé concerne le dossier n° {receipt['dossier_id']}, pas le n° {dossier_id}",
                    f"the receipt is for dossier {receipt['dossier_id']}, not {dossier_id}",
                )
            if head is not None and head.strip().lower() != receipt["register_head"]:
                raise ReceiptRefused("--head diffère de la tête du récépissé", "--head differs from the receipt's head")
            dossier_id, head = receipt["dossier_id"], None  # the head is checked at its own entry below
        elif dossier_id is None:
            print("Indiquez un dossier ou --receipt FICHIER. / Give a dossier or --receipt FILE.", file=sys.stderr)
            return 2
        with app.app_context():
            result = register.verify(dossier_id, head)
            if result.ok and receipt is not None:
                _check_receipt(receipt)
    except ReceiptRefused as refused:
        print(f"Récépissé refusé : {refused.fr}.")
        print(f"Receipt refused: {refused.en}.")
        return 1
    except NotFound:
        print(f"Le dossier n° {dossier_id} n'existe pas.")
        print(f"Dossier {dossier_id} does not exist.")
        return 1
    except ValueError as exc:  # a malformed --head
        print(f"Empreinte invalide : {exc}")
        print(f"Invalid hash: {exc}")
        return 1
    if not result.ok:
        if receipt is not None:
            print("Récépissé non vérifiable : le registre du dossier est altéré.")
            print("Receipt cannot be verified: the dossier's register is tampered with.")
        print(f"Registre altéré : {result.problem_fr}")
        print(f"Register tampered with: {result.problem}")
        return 1
    print(f"Registre intact : {result.length} entrées, tête {result.head}")
    print(f"Register intact: {result.length} entries, head {result.head}")
    if receipt is not None:
        print(
            f"Récépissé valide : dossier n° {dossier_id}, dépôt à l'entrée n° {receipt['register_sequence']}, "
            f"empreinte du contenu {receipt['content_hash']}"
        )
        print(
            f"Receipt valid: dossier {dossier_id}, submitted at entry {receipt['register_sequence']}, "
            f"content hash {receipt['content_hash']}"
        )
    return 0


def upgrade_database(app: Any) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def _print_demo(app: Any, address: str) -> None:
    from . import demo

    with app.app_context():
        dossier = demo.seed()
        lines = [
            "",
            f"Codossier — démo prête : {address}",
            f"Dossier « {dossier.title} » ({dossier.structure})",
            "",
            f"Comptes (mot de passe pour tous : {demo.DEMO_PASSWORD}) :",
        ]
        for membership in demo.account_members(dossier):
            lines.append(f"  {ROLE_FR[membership.role]:<13} {membership.user.email}  — {membership.user.display_name}")
        lines.append("")
        lines.append("Liens personnels des bénéficiaires (sans e-mail, valables une fois) :")
        for name, path in demo.reentry_links(dossier):
            lines.append(f"  {name:<13} {address}{path}")
        lines.append("")
    print("\n".join(lines), flush=True)


def _serve(app: Any, host: str, port: int) -> None:
    from .serving import serve

    print(f"Codossier écoute sur http://{host}:{port} (Ctrl+C pour arrêter)", flush=True)
    serve(app, host, port)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in ("demo", "serve") and os.environ.get("CODOSSIER_ASYNC_MODE", "gevent") == "gevent":
        from gevent import monkey

        monkey.patch_all()

    from . import create_app

    if args.command == "demo":
        os.environ.pop("DATABASE_URL", None)
    app = create_app()
    if args.command == "register":
        return verify_register(app, args.dossier, args.head, args.receipt)
    upgrade_database(app)
    if args.command == "db":
        print("Base de données à jour.")
        return 0
    if args.command == "demo":
        _print_demo(app, f"http://{args.host}:{args.port}")
    _serve(app, args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
