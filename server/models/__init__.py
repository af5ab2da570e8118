"""SQLAlchemy models, one module per aggregate. The schema changes only through migrations/."""

from .action import Action
from .base import Base
from .comment import Comment, CommentThread
from .decision import Decision, DecisionKind, DecisionRevision, DecisionState, DecisionVote
from .document import DocumentSnapshot, DocumentUpdate
from .dossier import College, Dossier, DossierState, Membership, Role
from .invitation import Invitation, InvitationKind
from .poll import PollBallot, PriorityPoll
from .register import RegisterEntry
from .session import UserSession
from .signup import PendingSignup
from .submission import Submission, SubmissionFile
from .user import User

__all__ = [
    "Action",
    "Base",
    "College",
    "Comment",
    "CommentThread",
    "Decision",
    "DecisionKind",
    "DecisionRevision",
    "DecisionState",
    "DecisionVote",
    "DocumentSnapshot",
    "DocumentUpdate",
    "Dossier",
    "DossierState",
    "Invitation",
    "InvitationKind",
    "Membership",
    "PendingSignup",
    "PollBallot",
    "PriorityPoll",
    "RegisterEntry",
    "Role",
    "Submission",
    "SubmissionFile",
    "User",
    "UserSession",
]
