"""Who is asking: the logged-in user, and their membership checked by the policy."""

from __future__ import annotations

from flask_login import current_user

from ..models import Membership, User
from ..services.errors import NotAuthenticated
from ..services.policy import Capability, authorize


def require_user() -> User:
    if not current_user.is_authenticated:
        raise NotAuthenticated("Log in first.")
    return current_user._get_current_object()  # type: ignore[no-any-return]


def require_member(dossier_id: int, capability: Capability) -> Membership:
    return authorize(require_user(), dossier_id, capability)
