"""Attachments on customers, projects and contracts (contract scans, drawings, the
use-and-maintenance manual of DOM-5): staff attach, the owning customer sees them, another
customer gets 404."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from facadeops.core.attachments import attachment_add
from facadeops.core.errors import Forbidden

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "steelblue").save(buf, "PNG")
    return SimpleUploadedFile("立面图.png", buf.getvalue(), content_type="image/png")


def test_project_drawing_is_shared_with_its_customer_only(
    media: Any,
    client: Any,
    manager: Any,
    customer_a: Any,
    customer_b: Any,
    make_project: Any,
    customer_user_a: Any,
    make_user: Any,
) -> None:
    """X-1.2: a project's documents are on its page; customer scope holds for files too."""
    project = make_project(customer_a, name="滨江中心")
    att = attachment_add(actor=manager, target=project, upload=_png(), caption="南立面")
    client.force_login(manager)
    page = client.get(project.get_absolute_url())
    assert page.status_code == 200 and "南立面" in page.content.decode()

    client.force_login(customer_user_a)
    assert client.get(f"/api/v1/attachments/{att.pk}/download").status_code == 200
    other = make_user("customer", customer=customer_b)
    client.force_login(other)
    assert client.get(f"/api/v1/attachments/{att.pk}/download").status_code == 404


def test_customer_user_cannot_attach(media: None, customer_a: Any, customer_user_a: Any) -> None:
    with pytest.raises(Forbidden):
        attachment_add(actor=customer_user_a, target=customer_a, upload=_png())
