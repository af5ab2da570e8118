"""The Flask extensions, created unbound and initialised by ``create_app``."""

from __future__ import annotations

from typing import Any

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from spectree import SecurityScheme, SpecTree
from spectree.models import InType, SecureType, SecuritySchemeData

from .config import MIGRATIONS_DIR
from .models.base import Base
from .services.errors import InvalidInput


def _validation_failed(req: Any, resp: Any, error: Exception | None, instance: Any, adapter: Any = None) -> None:
    """spectree's ``before`` hook: a validation failure becomes a domain error."""
    if error is None:
        return
    details = [
        {"field": ".".join(str(p) for p in item.get("loc", ())) or "(body)", "message": item.get("msg", "")}
        for item in error.errors()  # type: ignore[attr-defined]
    ]
    raise InvalidInput("The request is not valid.", details=details)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(directory=str(MIGRATIONS_DIR))
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
socketio = SocketIO()
spec = SpecTree(
    "flask",
    title="Codossier API",
    version="1",
    mode="strict",
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
    before=_validation_failed,
    security_schemes=[
        SecurityScheme(
            name="session",
            data=SecuritySchemeData(type=SecureType.API_KEY, field_in=InType.COOKIE, name="codossier_session"),
        )
    ],
)
