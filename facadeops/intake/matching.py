"""Suggest the known customer and project a message is about (the agent confirms)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from facadeops.customers.models import Contact, Customer, Project
from facadeops.service.selectors import caller_lookup


@dataclass
class Suggestion:
    customer: Any = None
    project: Any = None
    reason: str = ""


def _norm(text: str) -> str:
    return "".join(str(text or "").split()).lower()


def suggest(*, email: str = "", phone: str = "", project_text: str = "") -> Suggestion:

    reasons: list[str] = []
    customers: dict[int, Any] = {}
    customer: Any = None
    email = (email or "").strip()
    if email:
        for c in Contact.objects.filter(email__iexact=email).select_related("customer")[:5]:
            customers.setdefault(c.customer_id, c.customer)
        for cust in Customer.objects.filter(email__iexact=email)[:5]:
            customers.setdefault(cust.pk, cust)
        if customers:
            reasons.append(_("e-mail address of a known contact"))
    if not customers and phone:
        found = caller_lookup(phone=phone)
        for cust in found["customers"]:
            customers.setdefault(cust.pk, cust)
        if customers:
            reasons.append(_("phone number of a known contact"))
    text = _norm(project_text)
    projects = Project.objects.filter(is_active=True).select_related("customer")
    if customers:
        projects = projects.filter(customer_id__in=list(customers))
    best, best_score = None, 0
    if text:
        for p in projects.order_by("id")[:2000]:
            name, addr = _norm(p.name), _norm(p.address)
            score = 0
            if name and (name in text or text in name):
                score = 3
            elif addr and (addr in text or text in addr):
                score = 2
            if score > best_score:
                best, best_score = p, score
    if best is None and len(customers) == 1:
        only = list(projects[:2])
        if len(only) == 1:
            best = only[0]
    if best is not None:
        if best_score:
            reasons.append(_("project named in the message"))
        customer = best.customer
    else:
        customer = next(iter(customers.values())) if len(customers) == 1 else None
    return Suggestion(customer=customer, project=best, reason="; ".join(reasons)[:200])
