"""Every write to the catalogue: validated, versioned, audited (via core.services)."""

from __future__ import annotations

from typing import Any

from facadeops.core.services import create_record, update_record

from . import permissions
from .models import Material, MaterialCategory

MATERIAL_FIELDS = ("code", "name", "spec_model", "unit", "category", "brand", "is_active", "notes")
CATEGORY_FIELDS = ("code", "name", "parent")


def _clean_text(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}


def material_create(*, actor: Any, data: dict[str, Any]) -> Material:
    permissions.ensure(permissions.can_add_materials(actor))
    values = _clean_text({k: v for k, v in data.items() if k in MATERIAL_FIELDS})
    return create_record(Material, actor=actor, data=values)


def material_update(
    *, actor: Any, material: Material, data: dict[str, Any], version: int | None
) -> Material:
    permissions.ensure(permissions.can_edit_materials(actor))
    values = _clean_text({k: v for k, v in data.items() if k in MATERIAL_FIELDS})
    return update_record(material, actor=actor, data=values, expected_version=version)


def category_create(*, actor: Any, data: dict[str, Any]) -> MaterialCategory:
    permissions.ensure(permissions.can_edit_categories(actor))
    values = _clean_text({k: v for k, v in data.items() if k in CATEGORY_FIELDS})
    return create_record(MaterialCategory, actor=actor, data=values)


def category_update(
    *, actor: Any, category: MaterialCategory, data: dict[str, Any]
) -> MaterialCategory:
    permissions.ensure(permissions.can_edit_categories(actor))
    values = _clean_text({k: v for k, v in data.items() if k in CATEGORY_FIELDS})
    return update_record(category, actor=actor, data=values, expected_version=None)
