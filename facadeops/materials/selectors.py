"""Reads of the catalogue, scoped to the user (staff only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from facadeops.core.errors import NotFound

from . import permissions
from .models import Material, MaterialCategory


def material_list(
    *,
    user: Any,
    q: str = "",
    category: int | None = None,
    is_active: bool | None = None,
) -> QuerySet[Material]:
    if not permissions.can_view_catalogue(user):
        return Material.objects.none()
    qs = Material.objects.select_related("category")
    if q:
        q = q.strip()[:100]
        qs = qs.filter(
            Q(code__icontains=q)
            | Q(name__icontains=q)
            | Q(spec_model__icontains=q)
            | Q(brand__icontains=q)
        )
    if category is not None:
        qs = qs.filter(Q(category_id=category) | Q(category__parent_id=category))
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs


def material_get(*, user: Any, pk: Any) -> Material:
    """One material the user may see; NotFound otherwise (also for customers)."""
    try:
        return material_list(user=user).get(pk=int(pk))
    except (Material.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def category_list(*, user: Any) -> QuerySet[MaterialCategory]:
    if not permissions.can_view_catalogue(user):
        return MaterialCategory.objects.none()
    return (
        MaterialCategory.objects.select_related("parent")
        .annotate(material_count=Count("materials"))
        .order_by("code")
    )


def category_get(*, user: Any, pk: Any) -> MaterialCategory:
    try:
        return category_list(user=user).get(pk=int(pk))
    except (MaterialCategory.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
