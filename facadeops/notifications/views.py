from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from facadeops.core.errors import InvalidInput
from facadeops.core.web import apply_error

from . import selectors, services
from .forms import PreferenceForm


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(user=request.user, unread_only=unread_only), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def mark_read_view(request: HttpRequest) -> HttpResponse:
    raw = request.POST.getlist("id")
    ids = [int(i) for i in raw if i.isdigit()] if raw else None
    services.mark_read(user=request.user, ids=ids)
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect("notifications:inbox")


@login_required
def preferences_view(request: HttpRequest) -> HttpResponse:
    """X-9.3: each user chooses e-mail, chat group and the daily digest for themselves."""
    pref = services.preference_for(request.user)
    saved = request.GET.get("saved") == "1"
    if request.method == "POST":
        form = PreferenceForm(request.POST, instance=pref)
        if form.is_valid():
            try:
                services.preference_save(actor=request.user, data=form.cleaned_data)
            except InvalidInput as exc:
                apply_error(form, exc)
            else:
                return redirect(f"{request.path}?saved=1")
        status = 422
    else:
        form = PreferenceForm(instance=pref)
        status = 200
    return render(
        request, "notifications/preferences.html", {"form": form, "saved": saved}, status=status
    )
