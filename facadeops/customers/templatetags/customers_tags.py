"""Template tags of the customers app."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType

from facadeops.audit.templatetags import audit_tags
from facadeops.audit.verbs import label_for

from ..models import Project
from ..selectors import project_timeline

register = template.Library()


@register.inclusion_tag("audit/_timeline.html")
def project_history(project: Project, limit: int = 300) -> dict[str, Any]:
    """X-1.2 "history of everything done on it": the audit timeline partial fed with the
    project's own events plus those of the contracts covering it."""
    ct = ContentType.objects.get_for_model(project, for_concrete_model=False)
    cache: dict[int, tuple[dict[str, str], dict[str, dict[str, str]]]] = {}
    rows = []
    for e in project_timeline(project=project, limit=limit):
        if e.target_type_id not in cache:
            tct = ContentType.objects.get_for_id(e.target_type_id)
            cache[e.target_type_id] = (
                audit_tags._field_labels(tct),
                audit_tags._choice_labels(tct),
            )
        labels, choices = cache[e.target_type_id]
        changes = []
        if e.verb not in audit_tags._QUIET:
            for key, old, new in e.changes:
                ch = choices.get(key, {})
                changes.append(
                    (
                        labels.get(key, key),
                        audit_tags._display(old, ch),
                        audit_tags._display(new, ch),
                    )
                )
        rows.append(
            {
                "event": e,
                "label": label_for(e.verb),
                "changes": changes,
                "other": e.target_type_id != ct.pk or e.target_id != str(project.pk),
            }
        )
    return {"rows": rows, "object": project}
