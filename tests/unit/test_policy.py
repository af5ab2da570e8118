"""The policy table is DESIGN.md's "People and roles", capability by capability."""

from __future__ import annotations

import pytest

from server.models import Dossier, Role
from server.services.policy import TABLE, Capability, capabilities

C = Capability
# Written out from DESIGN.md, not derived from the code under test.
DESIGN = {
    Role.LEAD: {
        C.READ,
        C.EDIT,
        C.COMMENT,
        C.VOTE,
        C.PROPOSE,
        C.MANAGE_MEMBERS,
        C.MANAGE_ACTIONS,
        C.MANAGE_DOSSIER,
        C.FREEZE,
        C.SUBMIT,
    },
    Role.PARTNER: {C.READ, C.EDIT, C.COMMENT, C.VOTE, C.PROPOSE},
    Role.BENEFICIARY: {C.READ, C.EDIT, C.COMMENT, C.VOTE},
    Role.OBSERVER: {C.READ, C.COMMENT},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("capability", list(Capability))
def test_table_matches_design(role: Role, capability: Capability) -> None:
    assert (capability in TABLE[role]) == (capability in DESIGN[role])


@pytest.mark.parametrize("role", list(Role))
def test_comment_only_mode_removes_editing_from_beneficiaries_only(role: Role) -> None:
    restricted = Dossier(beneficiaries_may_edit=False)
    open_ = Dossier(beneficiaries_may_edit=True)
    assert capabilities(role, open_) == DESIGN[role]
    expected = DESIGN[role] - {C.EDIT} if role is Role.BENEFICIARY else DESIGN[role]
    assert capabilities(role, restricted) == expected
    assert C.COMMENT in capabilities(role, restricted)
