"""SQLAlchemy models, one module per aggregate. The schema changes only through migrations/."""

from .action import Action
from .base import Base
from .comment import Comment, CommentThread
from .document import DocumentContribution, DocumentSnapshot, DocumentUpdate
from .dossier import College, Dossier, DossierState, Membership, Role
from .invitation import Invitation, InvitationKind
from .register import RegisterEntry
from .user import User

__all__ = [
    "Action",
    "Base",
    "College",
    "Comment",
    "CommentThread",
    "DocumentContribution",
    "DocumentSnapshot",
    "DocumentUpdate",
    "Dossier",
    "DossierState",
    "Invitation",
    "InvitationKind",
    "Membership",
    "RegisterEntry",
    "Role",
    "User",
]
