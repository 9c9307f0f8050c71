"""The fast choice widgets render exactly what Django's templates render."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.auth import get_user_model

from facadeops.core.widgets import FastCheckboxSelectMultiple, FastSelect

CHOICES = [
    ("", "---------"),
    ("1", "plain"),
    ("2", 'quote " & <b>tag</b>'),
    (3, "数字 三"),
    ("a&b", "value with ampersand"),
]


def _pair(fast: type[forms.Widget], slow: type[forms.Widget], **kw: Any) -> tuple[Any, Any]:
    return fast(**kw), slow(**kw)


@pytest.mark.parametrize("value", [None, "", "2", 3, "a&b", "missing"])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_x", "class": "form-select"}, {"required": True, "disabled": False}],
)
def test_select_is_byte_identical(value: Any, attrs: dict[str, Any] | None) -> None:
    fast, slow = _pair(FastSelect, forms.Select, choices=CHOICES)
    out = fast.render("pick<me>", value, attrs=attrs)
    assert out == slow.render("pick<me>", value, attrs=attrs)
    assert type(fast).render is not forms.Select.render  # the fast path is the one tested


@pytest.mark.parametrize("value", [None, [], ["2"], ["1", 3, "a&b"], ["missing"]])
@pytest.mark.parametrize("attrs", [None, {"id": "id_m"}, {"id": "id_m", "class": "list"}])
def test_checkboxes_are_byte_identical(value: Any, attrs: dict[str, Any] | None) -> None:
    fast, slow = _pair(FastCheckboxSelectMultiple, forms.CheckboxSelectMultiple, choices=CHOICES)
    assert fast.render("members", value, attrs=attrs) == slow.render("members", value, attrs=attrs)


def test_option_groups_fall_back_to_django() -> None:
    grouped = [("Group <1>", [("1", "one"), ("2", "two")]), ("3", "three")]
    for fast_cls, slow_cls in (
        (FastSelect, forms.Select),
        (FastCheckboxSelectMultiple, forms.CheckboxSelectMultiple),
    ):
        fast, slow = fast_cls(choices=grouped), slow_cls(choices=grouped)
        assert fast.render("g", "2", attrs={"id": "id_g"}) == slow.render(
            "g", "2", attrs={"id": "id_g"}
        )
        assert "Group &lt;1&gt;" in fast.render("g", "2")


@pytest.mark.django_db
def test_model_choice_fields_of_a_bound_form_render_the_same(make_user: Any) -> None:
    users = [make_user(full_name=f"员工 <{i}>") for i in range(4)]
    qs = get_user_model().objects.filter(pk__in=[u.pk for u in users]).order_by("pk")

    def form_class(select: type[forms.Widget], boxes: type[forms.Widget]) -> type[forms.Form]:
        class F(forms.Form):
            lead = forms.ModelChoiceField(queryset=qs, required=False, widget=select)
            members = forms.ModelMultipleChoiceField(queryset=qs, required=False, widget=boxes)

        return F

    data = {"lead": str(users[1].pk), "members": [str(users[0].pk), str(users[3].pk)]}
    fast = form_class(FastSelect, FastCheckboxSelectMultiple)(data)
    slow = form_class(forms.Select, forms.CheckboxSelectMultiple)(data)
    assert str(fast["lead"]) == str(slow["lead"])
    assert str(fast["members"]) == str(slow["members"])
    assert f'value="{users[1].pk}" selected' in str(fast["lead"])
    assert str(fast["members"]).count("checked") == 2
