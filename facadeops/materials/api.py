"""Material catalogue API: ``/api/v1/materials`` (list, detail, create, PATCH with version)
and ``/api/v1/materials/categories``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from facadeops.core.api import ErrorOut, Page, apply_sort, paginate
from facadeops.core.errors import Forbidden, InvalidInput

from . import permissions, selectors, services
from .models import MaterialCategory

PREFIX = "/materials"
router = Router(tags=["materials"])

SORTS = {
    "code": "code",
    "name": "name",
    "spec_model": "spec_model",
    "category": "category__code",
    "updated_at": "updated_at",
}


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None = None


class CategoryIn(Schema):
    code: str = Field(max_length=32)
    name: str = Field(max_length=100)
    parent_id: int | None = None


class MaterialOut(Schema):
    id: int
    code: str
    name: str
    spec_model: str
    unit: str
    category_id: int
    category_name: str
    brand: str
    is_active: bool
    notes: str
    version: int


class MaterialIn(Schema):
    code: str = Field(max_length=40)
    name: str = Field(max_length=200)
    spec_model: str = Field("", max_length=200)
    unit: str = Field(max_length=20)
    category_id: int
    brand: str = Field("", max_length=100)
    is_active: bool = True
    notes: str = ""


class MaterialPatch(Schema):
    version: int
    code: str | None = Field(None, max_length=40)
    name: str | None = Field(None, max_length=200)
    spec_model: str | None = Field(None, max_length=200)
    unit: str | None = Field(None, max_length=20)
    category_id: int | None = None
    brand: str | None = Field(None, max_length=100)
    is_active: bool | None = None
    notes: str | None = None


class MaterialQuery(Schema):
    q: str = ""
    category: int | None = None
    is_active: bool | None = None
    sort: str = "code"
    page: int = 1
    page_size: int = 50


def _out(m: Any) -> dict[str, Any]:
    return {
        "id": m.pk,
        "code": m.code,
        "name": m.name,
        "spec_model": m.spec_model,
        "unit": m.unit,
        "category_id": m.category_id,
        "category_name": m.category.name,
        "brand": m.brand,
        "is_active": m.is_active,
        "notes": m.notes,
        "version": m.version,
    }


def _category(pk: int | None, field: str = "category_id") -> MaterialCategory | None:
    if pk is None:
        return None
    cat = MaterialCategory.objects.filter(pk=pk).first()
    if cat is None:
        raise InvalidInput(fields={field: [str(InvalidInput.default_message)]})
    return cat


def _ensure_viewer(request: HttpRequest) -> None:
    if not permissions.can_view_catalogue(request.user):
        raise Forbidden()


@router.get(
    "/categories",
    response={200: list[CategoryOut], 403: ErrorOut},
    url_name="material_category_list",
)
def list_categories(request: HttpRequest) -> Any:
    _ensure_viewer(request)
    return list(selectors.category_list(user=request.user))


@router.post(
    "/categories",
    response={201: CategoryOut, 403: ErrorOut, 422: ErrorOut},
    url_name="material_category_create",
)
def create_category(request: HttpRequest, payload: CategoryIn) -> Any:
    _ensure_viewer(request)
    data = payload.dict()
    data["parent"] = _category(data.pop("parent_id"), "parent_id")
    return Status(201, services.category_create(actor=request.user, data=data))


@router.get(
    "",
    response={200: Page[MaterialOut], 403: ErrorOut, 422: ErrorOut},
    url_name="material_list",
)
def list_materials(request: HttpRequest, filters: Query[MaterialQuery]) -> Any:
    _ensure_viewer(request)
    qs = selectors.material_list(
        user=request.user, q=filters.q, category=filters.category, is_active=filters.is_active
    )
    qs = apply_sort(qs, filters.sort, SORTS, default="code")
    page = paginate(qs, page=filters.page, page_size=filters.page_size)
    page["results"] = [_out(m) for m in page["results"]]
    return page


@router.get(
    "/{material_id}",
    response={200: MaterialOut, 403: ErrorOut, 404: ErrorOut},
    url_name="material_detail",
)
def get_material(request: HttpRequest, material_id: int) -> Any:
    _ensure_viewer(request)
    return _out(selectors.material_get(user=request.user, pk=material_id))


@router.post(
    "",
    response={201: MaterialOut, 403: ErrorOut, 422: ErrorOut},
    url_name="material_create",
)
def create_material(request: HttpRequest, payload: MaterialIn) -> Any:
    _ensure_viewer(request)
    data = payload.dict()
    data["category"] = _category(data.pop("category_id"))
    material = services.material_create(actor=request.user, data=data)
    return Status(201, _out(selectors.material_get(user=request.user, pk=material.pk)))


@router.patch(
    "/{material_id}",
    response={200: MaterialOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="material_update",
)
def update_material(request: HttpRequest, material_id: int, payload: MaterialPatch) -> Any:
    _ensure_viewer(request)
    material = selectors.material_get(user=request.user, pk=material_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    if "category_id" in data:
        data["category"] = _category(data.pop("category_id"))
    for key in ("code", "name", "unit"):
        if key in data and data[key] is None:
            data.pop(key)
    data = {k: v for k, v in data.items() if v is not None or k == "category"}
    services.material_update(actor=request.user, material=material, data=data, version=version)
    return _out(selectors.material_get(user=request.user, pk=material_id))
