"""Template tags of the customers app."""

from __future__ import annotations

from typing import Any

from django import template

from facadeops.audit.templatetags.audit_tags import timeline_rows

from ..models import Project
from ..selectors import project_timeline

register = template.Library()


@register.inclusion_tag("audit/_timeline.html")
def project_history(project: Project, limit: int = 300) -> dict[str, Any]:
    """X-1.2 "history of everything done on it": the audit timeline partial fed with the
    project's own events plus those of the contracts covering it."""
    rows = timeline_rows(project, list(project_timeline(project=project, limit=limit)))
    return {"rows": rows, "object": project}
