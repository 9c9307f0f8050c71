from __future__ import annotations

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db import models

from ..selectors import timeline_for
from ..verbs import label_for

register = template.Library()

# Verbs whose full "after" snapshot is kept in the log but not spelled out on the page.
_QUIET = {"created", "imported"}


def _field_labels(ct: ContentType | None) -> dict[str, str]:
    model = ct.model_class() if ct is not None else None
    if model is None:
        return {}
    labels: dict[str, str] = {}
    for f in model._meta.get_fields():
        verbose = getattr(f, "verbose_name", None)
        if verbose:
            labels[f.name] = str(verbose)
            attname = getattr(f, "attname", None)
            if attname:
                labels[attname] = str(verbose)
    return labels


def _display(value: Any, choices: dict[str, str]) -> Any:
    if isinstance(value, str) and value in choices:
        return choices[value]
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if value is True:
        return "✓"
    if value is False:
        return "✗"
    return value


def _choice_labels(ct: ContentType | None) -> dict[str, dict[str, str]]:
    model = ct.model_class() if ct is not None else None
    if model is None:
        return {}
    return {
        f.name: {str(k): str(v) for k, v in f.flatchoices}
        for f in model._meta.concrete_fields
        if getattr(f, "choices", None)
    }


def timeline_rows(obj: models.Model, events: list[Any]) -> list[dict[str, Any]]:
    """Display rows for ``events`` on ``obj``'s page: the verb's label, the changed fields
    by their names (choice values by their labels), and whether the event is on another
    record. Apps that merge several records' events into one history use this."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    labels_cache: dict[int, tuple[dict[str, str], dict[str, dict[str, str]]]] = {}
    rows = []
    for e in events:
        if e.target_type_id not in labels_cache:
            tct = ContentType.objects.get_for_id(e.target_type_id)
            labels_cache[e.target_type_id] = (_field_labels(tct), _choice_labels(tct))
        labels, choices = labels_cache[e.target_type_id]
        changes = []
        if e.verb not in _QUIET:
            for key, old, new in e.changes:
                ch = choices.get(key, {})
                changes.append((labels.get(key, key), _display(old, ch), _display(new, ch)))
        rows.append(
            {
                "event": e,
                "label": label_for(e.verb),
                "changes": changes,
                "other": e.target_type_id != ct.pk or e.target_id != str(obj.pk),
            }
        )
    return rows


@register.inclusion_tag("audit/_timeline.html")
def timeline(obj: models.Model, limit: int | None = 200, show_all_url: str = "") -> dict[str, Any]:
    """The X-9.1 timeline partial shown on every detail page: who, when, what, with the
    changed fields by their names and the note. The latest ``limit`` events (one query,
    on the indexes ``audit_target_idx`` / ``audit_context_idx``); when there are more and
    ``show_all_url`` is given, a link to the page with every event (``limit=None``)."""
    if limit is None:
        events = list(timeline_for(obj, limit=100_000))
        more = False
    else:
        events = list(timeline_for(obj, limit=limit + 1))
        more = len(events) > limit
        events = events[:limit]
    return {
        "rows": timeline_rows(obj, events),
        "object": obj,
        "more_url": show_all_url if more else "",
    }
