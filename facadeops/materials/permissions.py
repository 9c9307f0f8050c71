"""Who may do what in the catalogue: staff see it (model permission from their role);
technical head, procurement and management create and edit; customers see nothing."""

from __future__ import annotations

from typing import Any

from facadeops.core.errors import Forbidden
from facadeops.core.roles import is_staff_member


def can_view_catalogue(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and is_staff_member(user)
        and user.has_perm("materials.view_material")
    )


def can_edit_materials(user: Any) -> bool:
    return can_view_catalogue(user) and bool(user.has_perm("materials.change_material"))


def can_add_materials(user: Any) -> bool:
    return can_view_catalogue(user) and bool(user.has_perm("materials.add_material"))


def can_edit_categories(user: Any) -> bool:
    return can_view_catalogue(user) and bool(user.has_perm("materials.add_materialcategory"))


def ensure(allowed: bool) -> None:
    if not allowed:
        raise Forbidden()


# Attachments on catalogue items (data sheets, photos of the part): staff may see and add.
def material_attachment_view(user: Any, obj: Any) -> bool:
    return can_view_catalogue(user)


def material_attachment_attach(user: Any, obj: Any) -> bool:
    return can_view_catalogue(user)
