"""The form templates, as data for the client."""

from __future__ import annotations

from spectree import Response

from ..extensions import spec
from ..services.errors import NotFound
from ..services.forms import FormTemplate, get_template
from . import bp
from .schemas import ErrorReply


@bp.get("/forms/<template_id>/<int:version>")
@spec.validate(resp=Response(HTTP_200=FormTemplate, HTTP_404=ErrorReply), tags=["forms"])
def form_template(template_id: str, version: int) -> FormTemplate:
    """A form template: its questions, the funder's wording and the plain-language one."""
    template = get_template(template_id, version)
    if template is None:
        raise NotFound(f"No form template {template_id!r} version {version}.")
    return template
