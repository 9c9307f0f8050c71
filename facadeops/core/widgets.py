"""Choice widgets that render their options in Python instead of one template per option.

Django renders every ``<option>`` and every checkbox of a choice widget through its own
template include (≈ 0.1 ms each). A work order's reassignment form lists every technician
and service staff member three times (≈ 950 options and checkboxes with 550 staff at
1,000,000 work orders): ≈ 100 ms of the detail page went into those includes
(docs/benchmarks.md, ``wo_detail``). These subclasses produce byte-identical HTML (asserted
against Django's templates in ``facadeops/core/tests/test_widgets.py``) with a string join:
the same choices cost ≈ 2 ms. Anything unusual (option groups, a custom option template)
falls back to Django's rendering.
"""

from __future__ import annotations

import html
from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _esc(text: Any) -> str:
    """``conditional_escape`` without its overhead for plain strings (same output)."""
    if type(text) is str:
        return html.escape(text)
    return str(conditional_escape(text))


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: True → bare name, False → left out."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {_esc(name)}")
        else:
            out.append(f' {_esc(name)}="{html.escape(str(value))}"')
    return "".join(out)


def _plain(groups: list[Any]) -> bool:
    return all(not group_name for group_name, _opts, _i in groups)


class FastSelect(forms.Select):
    """``forms.Select`` rendered without a template per option (same HTML)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        if self.template_name != "django/forms/widgets/select.html" or (
            self.option_template_name != "django/forms/widgets/select_option.html"
        ):
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        groups = widget["optgroups"]
        if not _plain(groups):
            return super().render(name, value, attrs, renderer)
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for _g, options, _i in groups:
            for o in options:
                parts.append(
                    f'\n  <option value="{html.escape(str(o["value"]))}"'
                    f"{_attrs(o['attrs'])}>{_esc(o['label'])}</option>\n"
                )
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


class FastCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """``forms.CheckboxSelectMultiple`` rendered without a template per checkbox."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        if self.template_name != "django/forms/widgets/checkbox_select.html" or (
            self.option_template_name != "django/forms/widgets/checkbox_option.html"
        ):
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        groups = widget["optgroups"]
        if not _plain(groups):
            return super().render(name, value, attrs, renderer)
        wid = widget["attrs"].get("id")
        cls = widget["attrs"].get("class")
        parts = ["<div"]
        if wid:
            parts.append(f' id="{conditional_escape(wid)}"')
        if cls:
            parts.append(f' class="{conditional_escape(cls)}"')
        parts.append(">")
        for _g, options, _i in groups:
            for o in options:
                label_open = "<label"
                if o["attrs"].get("id"):
                    label_open += f' for="{_esc(o["attrs"]["id"])}"'
                value_part = (
                    f' value="{html.escape(str(o["value"]))}"' if o["value"] is not None else ""
                )
                input_tag = (
                    f'<input type="{_esc(o["type"])}" '
                    f'name="{_esc(o["name"])}"{value_part}{_attrs(o["attrs"])}>\n'
                )
                if o["wrap_label"]:
                    parts.append(
                        f"<div>\n    {label_open}>{input_tag} {_esc(o['label'])}</label>\n\n</div>"
                    )
                else:
                    parts.append(f"<div>\n    {input_tag}\n\n</div>")
        parts.append("\n</div>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above
