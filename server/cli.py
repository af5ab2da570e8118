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
    register.add_argument("dossier", type=int, help="the dossier id")
    register.add_argument("--head", help="a head hash from a receipt or an export, which must still be in the chain")
    return parser


def verify_register(app: Any, dossier_id: int, head: str | None) -> int:
    """Print the verification of one dossier's register; 0 when intact, 1 otherwise."""
    from .services import register

    with app.app_context():
        result = register.verify(dossier_id, head)
    if result.ok:
        print(f"Registre intact : {result.length} entrées, tête {result.head}")
        print(f"Register intact: {result.length} entries, head {result.head}")
        return 0
    print(f"Registre altéré : {result.problem_fr}")
    print(f"Register tampered with: {result.problem}")
    return 1


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
        return verify_register(app, args.dossier, args.head)
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
