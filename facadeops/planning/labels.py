"""Labels of planning shown outside the app (main navigation in ``core.navigation``),
marked here so that the planning catalogue carries their zh-Hans translation."""

from django.utils.translation import gettext_lazy as _

NAV_LABELS = (_("Maintenance plans"), _("Statutory inspections"), _("Weather risk"))
