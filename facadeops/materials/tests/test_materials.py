"""Material catalogue (REG-7 reference data): CRUD, scope, conflicts, query counts, export."""

from __future__ import annotations

import io
from typing import Any

import pytest

from facadeops.audit.models import AuditEvent
from facadeops.core.errors import Conflict, Forbidden, InvalidInput
from facadeops.materials import services
from facadeops.materials.models import Material, MaterialCategory

API = "/api/v1/materials"


@pytest.fixture
def cat(db: Any) -> MaterialCategory:
    return MaterialCategory.objects.create(code="SE", name="密封材料")


def make_materials(cat: MaterialCategory, n: int, start: int = 0) -> None:
    Material.objects.bulk_create(
        Material(
            code=f"WL-{i:04d}", name=f"耐候密封胶{i}", spec_model="590 ml", unit="支", category=cat
        )
        for i in range(start, start + n)
    )


def payload(cat: MaterialCategory, **kw: Any) -> dict[str, Any]:
    data = {
        "code": "WL-SE-9001",
        "name": "硅酮结构密封胶",
        "spec_model": "双组分 190 L/套",
        "unit": "套",
        "category": cat,
        "brand": "",
        "is_active": True,
        "notes": "",
    }
    data.update(kw)
    return data


# -- services -------------------------------------------------------------------------------


def test_create_update_audited_and_versioned(cat: MaterialCategory, make_user: Any):
    """REG-7.1.2 name + spec/model; X-9.1 every change recorded with before/after."""
    head = make_user("tech_head")
    m = services.material_create(actor=head, data=payload(cat))
    assert m.version == 1
    m2 = services.material_update(actor=head, material=m, data={"unit": "桶"}, version=1)
    assert m2.version == 2 and m2.unit == "桶"
    ev = AuditEvent.objects.filter(target_id=str(m.pk), verb="updated").get()
    assert ev.before == {"unit": "套"} and ev.after == {"unit": "桶"}
    with pytest.raises(Conflict):
        services.material_update(actor=head, material=m2, data={"unit": "支"}, version=1)
    assert Material.objects.get(pk=m.pk).unit == "桶"


def test_unique_name_and_spec(cat: MaterialCategory, make_user: Any):
    """Name + specification are unique; code is unique; blank required fields refused."""
    pro = make_user("procurement")
    services.material_create(actor=pro, data=payload(cat))
    with pytest.raises(InvalidInput) as exc_info:
        services.material_create(actor=pro, data=payload(cat, code="WL-OTHER"))
    assert "__all__" in exc_info.value.fields
    with pytest.raises(InvalidInput) as exc_info:
        services.material_create(actor=pro, data=payload(cat, spec_model="单组分"))
    assert "code" in exc_info.value.fields
    with pytest.raises(InvalidInput) as exc_info:
        services.material_create(actor=pro, data=payload(cat, code="X", name="", unit=""))
    assert {"name", "unit"} <= set(exc_info.value.fields)
    assert Material.objects.count() == 1


@pytest.mark.parametrize("role", ["technician", "service_staff", "quality", "customer"])
def test_only_catalogue_roles_may_write(cat: MaterialCategory, make_user: Any, role: str):
    """ROLE_PERMISSIONS: tech head, procurement, management write; others may not."""
    with pytest.raises(Forbidden):
        services.material_create(actor=make_user(role), data=payload(cat))


def test_category_cannot_be_its_own_ancestor(cat: MaterialCategory, make_user: Any):
    head = make_user("tech_head")
    child = services.category_create(
        actor=head, data={"code": "SE-WS", "name": "耐候胶", "parent": cat}
    )
    with pytest.raises(InvalidInput) as exc_info:
        services.category_update(actor=head, category=cat, data={"parent": child})
    assert "parent" in exc_info.value.fields


# -- UI -------------------------------------------------------------------------------------


def test_list_filters_search_sort_and_query_count(
    cat: MaterialCategory, make_user: Any, client: Any, django_assert_max_num_queries: Any
):
    """X-9.4 list: search, category/active filters, sort; queries do not grow with rows."""
    other = MaterialCategory.objects.create(code="HW", name="五金件")
    Material.objects.create(
        code="WL-HW-1",
        name="不锈钢滑撑",
        spec_model="16寸",
        unit="副",
        category=other,
        is_active=False,
    )
    client.force_login(make_user("technician"))
    for n in (5, 30):
        make_materials(
            cat, n - Material.objects.filter(category=cat).count(), start=Material.objects.count()
        )
        with django_assert_max_num_queries(12):
            r = client.get("/materials/")
        assert r.status_code == 200
    html = client.get("/materials/", {"q": "滑撑"}).content.decode()
    assert "不锈钢滑撑" in html and "耐候密封胶" not in html
    html = client.get("/materials/", {"category": other.pk}).content.decode()
    assert "不锈钢滑撑" in html and "耐候密封胶" not in html
    html = client.get("/materials/", {"is_active": "true", "q": "滑撑"}).content.decode()
    assert "不锈钢滑撑" not in html
    html = client.get("/materials/", {"sort": "-code"}).content.decode()
    assert html.index("WL-HW-1") < html.index("WL-0029")


def test_export_xlsx(cat: MaterialCategory, make_user: Any, client: Any):
    """X-9.4: export what the list shows to Excel."""
    from openpyxl import load_workbook

    make_materials(cat, 3)
    client.force_login(make_user("procurement"))
    r = client.get("/materials/", {"export": "xlsx", "q": "耐候密封胶1"})
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    ws: Any = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "WL-0001"


def test_customer_denied_everywhere(cat: MaterialCategory, make_user: Any, client: Any):
    """Customers see nothing of the catalogue: pages 403/404, API 403."""
    make_materials(cat, 1)
    m = Material.objects.get()
    client.force_login(make_user("customer"))
    assert client.get("/materials/").status_code == 403
    assert client.get(f"/materials/{m.pk}/").status_code == 404
    assert client.get("/materials/categories/").status_code == 403
    assert client.get(API).status_code == 403
    assert client.get(f"{API}/{m.pk}").status_code == 403


def test_detail_create_edit_and_conflict(cat: MaterialCategory, make_user: Any, client: Any):
    """Detail with history; create; edit carries the version and a stale one shows the
    conflict message on the form (nothing overwritten)."""
    head = make_user("tech_head")
    client.force_login(head)
    form = {
        "code": "WL-GL-1",
        "name": "钢化中空玻璃",
        "spec_model": "6+12A+6 Low-E",
        "unit": "m²",
        "category": cat.pk,
        "brand": "",
        "is_active": "on",
        "notes": "",
    }
    r = client.post("/materials/new", form)
    assert r.status_code == 302
    m = Material.objects.get(code="WL-GL-1")
    r = client.get(m.get_absolute_url())
    assert r.status_code == 200 and "钢化中空玻璃" in r.content.decode()
    assert 'name="version"' in client.get(f"/materials/{m.pk}/edit").content.decode()
    r = client.post(f"/materials/{m.pk}/edit", {**form, "unit": "块", "version": 1})
    assert r.status_code == 302
    r = client.post(f"/materials/{m.pk}/edit", {**form, "unit": "片", "version": 1})
    assert r.status_code == 409
    assert "form-errors" in r.content.decode()
    assert Material.objects.get(pk=m.pk).unit == "块"
    r = client.post("/materials/new", {**form, "code": "WL-GL-2"})  # same name + spec
    assert r.status_code == 422 and Material.objects.count() == 1
    client.force_login(make_user("technician"))
    assert client.get(f"/materials/{m.pk}/edit").status_code == 403
    assert client.get("/materials/new").status_code == 403


def test_categories_page(cat: MaterialCategory, make_user: Any, client: Any):
    client.force_login(make_user("tech_head"))
    r = client.post("/materials/categories/", {"code": "SE-ST", "name": "结构胶", "parent": cat.pk})
    assert r.status_code == 302
    assert MaterialCategory.objects.get(code="SE-ST").parent == cat
    r = client.post("/materials/categories/", {"code": "SE-ST", "name": "重复"})
    assert r.status_code == 422
    client.force_login(make_user("technician"))
    r = client.get("/materials/categories/")
    assert r.status_code == 200 and "category-form" not in r.content.decode()
    assert client.post("/materials/categories/", {"code": "X", "name": "x"}).status_code == 403


# -- API ------------------------------------------------------------------------------------


def test_api_crud_conflict_and_query_count(
    cat: MaterialCategory, make_user: Any, client: Any, django_assert_max_num_queries: Any
):
    """API: list (constant queries), detail, create 201, PATCH with version, stale → 409,
    bad input → 422 with fields, role denial → 403."""
    client.force_login(make_user("procurement"))
    for n in (5, 30):
        make_materials(cat, n - Material.objects.count(), start=Material.objects.count())
        with django_assert_max_num_queries(8):
            r = client.get(API, {"page_size": 100})
        assert r.json()["count"] == n
    body = {
        "code": "WL-N-1",
        "name": "泡沫棒",
        "spec_model": "Φ15",
        "unit": "m",
        "category_id": cat.pk,
    }
    r = client.post(API, body, content_type="application/json")
    assert r.status_code == 201, r.content
    new = r.json()
    assert new["version"] == 1 and new["category_name"] == "密封材料"
    assert client.get(f"{API}/{new['id']}").json()["name"] == "泡沫棒"
    r = client.patch(
        f"{API}/{new['id']}", {"version": 1, "unit": "米"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    r = client.patch(
        f"{API}/{new['id']}", {"version": 1, "unit": "根"}, content_type="application/json"
    )
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    r = client.patch(f"{API}/{new['id']}", {"unit": "根"}, content_type="application/json")
    assert r.status_code == 422 and "version" in r.json()["fields"]
    r = client.post(API, {**body, "code": "WL-N-2"}, content_type="application/json")
    assert r.status_code == 422 and "__all__" in r.json()["fields"]
    r = client.post(
        API, {**body, "code": "WL-N-3", "category_id": 999999}, content_type="application/json"
    )
    assert r.status_code == 422 and "category_id" in r.json()["fields"]
    assert client.get(API, {"sort": "nonsense"}).status_code == 422
    assert client.get(f"{API}/999999").status_code == 404
    r = client.get(f"{API}/categories")
    assert r.status_code == 200 and r.json()[0]["code"] == "SE"
    client.force_login(make_user("technician"))
    assert client.get(API).status_code == 200
    r = client.post(API, {**body, "code": "WL-N-4", "name": "x"}, content_type="application/json")
    assert r.status_code == 403


def test_demo_catalogue_loads_deterministically(db: Any):
    from facadeops.materials import demo

    ctx: dict[str, Any] = {}
    demo.load(ctx)
    count = Material.objects.count()
    assert count >= 30 and MaterialCategory.objects.count() >= 10
    demo.load({})
    assert Material.objects.count() == count
    assert Material.objects.filter(name="钢化中空玻璃", spec_model="6+12A+6 Low-E").exists()
