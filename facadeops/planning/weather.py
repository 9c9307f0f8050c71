"""DOM-2: the weather gate. Forecasts are entered by hand or fetched from a pluggable
provider (``settings.PLANNING_WEATHER_PROVIDER``: dotted path of a callable
``(city, date) -> dict | None`` with keys of ``Forecast``). The limits are data
(``WeatherLimit``); ``weather_gate`` is the guard for the work-order ``start`` step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from facadeops.service.rules import approved_plan

from .models import Forecast, Rain, WeatherLimit

if TYPE_CHECKING:
    from facadeops.core.workflow import TransitionContext

# Upper bounds (m/s, exclusive) of Beaufort forces 0…11; 12 above.
BEAUFORT_UPPER = [0.3, 1.6, 3.4, 5.5, 8.0, 10.8, 13.9, 17.2, 20.8, 24.5, 28.5, 32.7]
SASHES_CLOSED_FROM = 6  # DOM-2.3: opening sashes closed from force 6


def beaufort_of_ms(ms: Decimal | float) -> int:
    for force, upper in enumerate(BEAUFORT_UPPER):
        if float(ms) < upper:
            return force
    return 12


def force_of(forecast: Forecast) -> int | None:
    """The wind force: the larger of the given force and the one of the speed."""
    forces = []
    if forecast.beaufort is not None:
        forces.append(int(forecast.beaufort))
    if forecast.wind_ms is not None:
        forces.append(beaufort_of_ms(forecast.wind_ms))
    return max(forces) if forces else None


def violations(
    forecast: Forecast, access_method: str, limits: list[WeatherLimit] | None = None
) -> list[str]:
    """Every limit the forecast breaks for exterior work with ``access_method``."""
    if limits is None:
        limits = list(WeatherLimit.objects.filter(is_active=True))
    force = force_of(forecast)
    out: list[str] = []
    for lim in limits:
        if lim.methods and access_method not in lim.methods:
            continue
        label = f"{lim.code} {lim.name}"
        if lim.max_beaufort is not None and force is not None and force >= lim.max_beaufort:
            out.append(
                _("%(rule)s: wind force %(force)s forecast, not allowed from force %(limit)s.")
                % {"rule": label, "force": force, "limit": lim.max_beaufort}
            )
        if lim.blocks_heavy_rain and forecast.rain == Rain.HEAVY:
            out.append(_("%(rule)s: heavy rain forecast.") % {"rule": label})
        if lim.blocks_snow and forecast.snow:
            out.append(_("%(rule)s: snow forecast.") % {"rule": label})
        if lim.blocks_fog and forecast.fog:
            out.append(_("%(rule)s: fog forecast.") % {"rule": label})
        if (
            lim.min_temp is not None
            and forecast.temp_min is not None
            and forecast.temp_min < lim.min_temp
        ):
            out.append(
                _("%(rule)s: %(t)s °C forecast, below the limit of %(limit)s °C.")
                % {"rule": label, "t": forecast.temp_min, "limit": lim.min_temp}
            )
        if (
            lim.max_temp is not None
            and forecast.temp_max is not None
            and forecast.temp_max > lim.max_temp
        ):
            out.append(
                _("%(rule)s: %(t)s °C forecast, above the limit of %(limit)s °C.")
                % {"rule": label, "t": forecast.temp_max, "limit": lim.max_temp}
            )
    return out


def provider() -> Any:
    path = getattr(settings, "PLANNING_WEATHER_PROVIDER", "")
    return import_string(path) if path else None


def forecast_for(city: str, day: dt.date) -> Forecast | None:
    """The stored forecast, else one fetched from the provider (and stored)."""
    found = Forecast.objects.filter(city=city, date=day).first()
    if found is not None or not city:
        return found
    fetch = provider()
    if fetch is None:
        return None
    data = fetch(city, day)
    if not data:
        return None
    obj, _created = Forecast.objects.update_or_create(
        city=city, date=day, defaults={**data, "source": data.get("source", "provider")}
    )
    return obj


def access_method_of(wo: Any) -> str:

    plan = approved_plan(wo)
    return plan.access_method if plan is not None else ""


def weather_gate(wo: Any, ctx: TransitionContext | None = None) -> list[str]:
    """Guard for the work-order ``start`` step (DOM-2.1, DOM-2.2, DOM-2.4): exterior work
    does not start when today's forecast for the project's city breaks a limit."""
    if not wo.exterior_work:
        return []
    forecast = forecast_for(wo.project.city, timezone.localdate())
    if forecast is None:
        return []
    return violations(forecast, access_method_of(wo))


def sashes_must_close(forecast: Forecast) -> bool:
    """DOM-2.3: opening sashes closed from force 6."""
    force = force_of(forecast)
    return force is not None and force >= SASHES_CLOSED_FROM
