"""The reassignment and assignment forms list people from one read of their names (issue 7,
the detail page's p95): shown exactly as Django's queryset rendering shows them, and a
submitted form still validates against the queryset."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from facadeops.core.roles import Role
from facadeops.service import forms as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user: Any) -> dict[str, Any]:
    return {
        "named": make_user(Role.SERVICE_STAFF, full_name="赵磊 <组长>"),
        "first_last": make_user(Role.SERVICE_STAFF, full_name="", first_name="Li", last_name="Na"),
        "bare": make_user(Role.SERVICE_STAFF, full_name="", username="bare-user"),
        "tech": make_user(Role.TECHNICIAN, full_name="张伟"),
        "both": make_user(Role.TECHNICIAN, Role.SERVICE_STAFF, full_name="黄志明"),
        "inactive": make_user(Role.SERVICE_STAFF, full_name="离职", is_active=False),
        "other": make_user(Role.QUALITY, full_name="孙丽"),
    }


def _reference(role: str, multiple: bool, label: Any = f._person, **kw: Any) -> forms.Field:
    """The field as Django renders it from its queryset (one template per option)."""
    qs = f.users_with_role(role)
    field: forms.ModelChoiceField[Any]
    if multiple:
        field = forms.ModelMultipleChoiceField(
            queryset=qs, required=False, widget=forms.CheckboxSelectMultiple
        )
    else:
        field = forms.ModelChoiceField(queryset=qs, **kw)
    field.label_from_instance = label
    return field


def _render_like(form: forms.Form, name: str, reference: forms.Field) -> str:
    class Ref(forms.Form):
        pass

    ref = Ref(initial=form.initial)
    ref.fields[name] = reference
    f.style(ref)
    return str(ref[name])


def test_reassign_form_shows_what_the_querysets_show(staff: dict[str, Any]) -> None:
    form = f.ReassignForm(initial={"technician": staff["both"].pk})
    for name, role, multiple in (
        ("technician", Role.TECHNICIAN, False),
        ("lead", Role.SERVICE_STAFF, False),
        ("members", Role.SERVICE_STAFF, True),
    ):
        ref = _reference(role, multiple) if multiple else _reference(role, False, required=False)
        assert str(form[name]) == _render_like(form, name, ref), name
    html = str(form["lead"])
    assert "赵磊 &lt;组长&gt;" in html and ">Li Na<" in html and ">bare-user<" in html
    assert "离职" not in html and "孙丽" not in html
    assert f'value="{staff["both"].pk}" selected' in str(form["technician"])


def test_assign_form_marks_the_certified(staff: dict[str, Any]) -> None:
    certified = {staff["bare"].pk}
    form = f.AssignForm(certified=certified)
    mark = str(f._("✓ work-at-height certificate"))

    def label(u: Any) -> str:
        return f"{f._person(u)} · {mark}" if u.pk in certified else f._person(u)

    assert str(form["lead"]) == _render_like(
        form, "lead", _reference(Role.SERVICE_STAFF, False, label)
    )
    assert str(form["members"]) == _render_like(
        form, "members", _reference(Role.SERVICE_STAFF, True, label)
    )
    assert f"bare-user · {mark}" in str(form["members"])


def test_a_submitted_form_validates_against_the_queryset(staff: dict[str, Any]) -> None:
    ok = f.ReassignForm(
        data={"technician": staff["tech"].pk, "lead": staff["named"].pk, "note": "换人"}
    )
    assert ok.is_valid(), ok.errors
    assert ok.cleaned_data["lead"] == staff["named"]
    for field, user in (("technician", "other"), ("lead", "inactive"), ("lead", "tech")):
        bad = f.ReassignForm(data={field: staff[user].pk, "note": "换人"})
        assert not bad.is_valid() and field in bad.errors, (field, user)
