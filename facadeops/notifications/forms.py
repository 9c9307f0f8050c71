from __future__ import annotations

from typing import Any

from django import forms

from .models import Preference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["email", "digest", "webhook", "webhook_url"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("email", "digest", "webhook"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
            self.fields[name].widget.attrs["colclass"] = "col-12"
        self.fields["webhook_url"].widget.attrs.update(
            {
                "class": "form-control",
                "colclass": "col-12",
                "placeholder": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
            }
        )
