"""Pages of the intake channels: the public website form (embeddable), the tracking page,
and the desk's queue of website submissions with the suggested customer and project."""

from __future__ import annotations

import hmac
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from facadeops.core.errors import Conflict, FacadeOpsError, Forbidden, InvalidInput, NotFound
from facadeops.core.web import apply_error, domain_errors

from . import selectors, services
from .forms import WebRequestForm


def client_addr(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "")


@csrf_exempt  # public, anonymous, embedded cross-site: no session to forge
@xframe_options_exempt
def web_form(request: HttpRequest) -> HttpResponse:
    """REG-2.1.1 公司网站留言: public, embeddable in the company's site (?embed=1)."""
    embed = request.GET.get("embed") == "1" or request.POST.get("embed") == "1"
    form = WebRequestForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if request.POST.get("website"):
            # Honeypot filled: a bot. Nothing is stored.
            return render(
                request,
                "intake/web_refused.html",
                {"embed": embed, "message": _("Your message could not be accepted.")},
                status=400,
            )
        if services.rate_limited(f"web:{client_addr(request)}"):
            return render(
                request,
                "intake/web_refused.html",
                {
                    "embed": embed,
                    "message": _(
                        "Too many messages from your address. Please try again later or "
                        "call our 24-hour hotline."
                    ),
                },
                status=429,
            )
        if form.is_valid():
            try:
                sub, raw = services.web_submit(
                    data=form.cleaned_data,
                    photos=form.cleaned_data.get("photos") or [],
                    remote_addr=client_addr(request) or None,
                )
            except InvalidInput as exc:
                apply_error(form, exc)
            else:
                track = request.build_absolute_uri(reverse("intake:track", args=[raw]))
                return render(
                    request,
                    "intake/web_done.html",
                    {"embed": embed, "number": sub.request.number, "track_url": track},
                    status=201,
                )
        status = 422
    return render(request, "intake/web_form.html", {"form": form, "embed": embed}, status=status)


@xframe_options_exempt
def track(request: HttpRequest, token: str) -> HttpResponse:
    """The sender follows the request with the link from the confirmation (no login)."""
    try:
        sub = selectors.submission_by_token(raw=token)
    except NotFound as exc:
        raise Http404 from exc
    req = sub.request
    wo = getattr(req, "work_order", None)
    return render(
        request,
        "intake/track.html",
        {"req": req, "wo": wo, "embed": request.GET.get("embed") == "1"},
    )


@domain_errors
def queue(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.submission_queue(user=request.user)[:200])
    pops = selectors.hotline_pops(user=request.user)
    return render(request, "intake/queue.html", {"rows": rows, "hotline_pops": pops})


@domain_errors
@require_POST
def apply_suggestion(request: HttpRequest, pk: int) -> HttpResponse:
    sub = selectors.submission_get(user=request.user, pk=pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.suggestion_apply(actor=request.user, submission=sub, expected_version=version)
    except Conflict:
        messages.error(
            request,
            _("Someone else changed request %(number)s meanwhile. Check it and try again.")
            % {"number": sub.request.number},
        )
        return redirect("intake:queue")
    except Forbidden:
        raise
    except FacadeOpsError as exc:
        messages.error(request, str(exc))
        return redirect("intake:queue")
    messages.success(
        request,
        _("Customer and project set on %(number)s.") % {"number": sub.request.number},
    )
    return redirect(sub.request.get_absolute_url())


# --- hotline (REG-2.1.1 24小时服务热线) -------------------------------------------------------
def _json(data: dict[str, Any], status: int) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _bearer(request: HttpRequest) -> str:
    header = str(request.META.get("HTTP_AUTHORIZATION") or "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return str(request.META.get("HTTP_X_HOTLINE_TOKEN") or "").strip()


@csrf_exempt  # machine-to-machine: authenticated by the shared token, not by a session
@require_POST
def hotline_webhook(request: HttpRequest) -> HttpResponse:
    """REG-2.1.1: the phone system reports an incoming call (JSON ``caller_number``,
    ``call_id``, optional ``agent_extension``) with ``Authorization: Bearer <token>``."""
    expected = str(getattr(settings, "HOTLINE_WEBHOOK_TOKEN", "") or "")
    given = _bearer(request)
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return _json({"code": "unauthorized", "message": _("Wrong or missing token.")}, 401)
    try:
        body = json.loads(request.body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        body = None
    if not isinstance(body, dict):
        return _json(
            {"code": "invalid", "message": _("The body must be a JSON object."), "fields": {}},
            422,
        )
    try:
        call, created = services.hotline_call_received(
            call_id=body.get("call_id"),
            caller_number=body.get("caller_number"),
            agent_extension=body.get("agent_extension"),
        )
    except InvalidInput as exc:
        return _json({"code": "invalid", "message": str(exc), "fields": exc.fields or {}}, 422)
    return _json(
        {"id": call.pk, "call_id": call.call_id, "agent_id": call.agent_id},
        201 if created else 200,
    )


@domain_errors
def hotline_pops(request: HttpRequest) -> HttpResponse:
    """htmx partial, polled by the desk page: the callers ringing now, with their records."""
    pops = selectors.hotline_pops(user=request.user)
    return render(request, "intake/_hotline_pops.html", {"pops": pops})


@domain_errors
@require_POST
def hotline_notes(request: HttpRequest, pk: int) -> HttpResponse:
    """The agent keeps the call notes and links the call to the request it became."""
    call = selectors.hotline_call_get(user=request.user, pk=pk)
    try:
        services.hotline_call_notes(
            actor=request.user,
            call=call,
            notes=request.POST.get("notes", ""),
            request_number=request.POST.get("request_number", ""),
        )
    except InvalidInput as exc:
        for msgs in (exc.fields or {}).values():
            for m in msgs:
                messages.error(request, m)
        if not exc.fields:
            messages.error(request, str(exc))
        return redirect("intake:queue")
    messages.success(request, _("Call notes kept."))
    return redirect("intake:queue")
