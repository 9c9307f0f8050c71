"""Form styling shared by the apps' pages (Bootstrap 5 classes on every widget)."""

from __future__ import annotations

from typing import Any

from django import forms


def style(form: forms.BaseForm) -> None:
    """Give each widget its Bootstrap class (kept if the widget sets one); radio and
    checkbox lists render their own ``form-check`` markup and get none."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            continue
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class StyledModelForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
