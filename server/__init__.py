"""Codossier: write a grant dossier together, and govern it together.

The package import is kept free of Flask and its dependencies so that the
``codossier`` command can monkey-patch gevent before anything else is loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(**overrides: Any) -> Flask:
    """Build the app: config from the environment, then ``overrides``."""
    from .app import build_app

    return build_app(**overrides)
