"""Settings for the intake, portal and channel tests until the project installs the apps:
the project's settings plus ``facadeops.intake`` and ``facadeops.portal`` and a URLconf that
mounts their pages and API routers. Run with ``--ds facadeops.intake.tests.settings``.
Not collected by pytest (holds no tests)."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

for _app in ("facadeops.intake", "facadeops.portal"):
    if _app not in INSTALLED_APPS:
        INSTALLED_APPS = [*INSTALLED_APPS, _app]
ROOT_URLCONF = "facadeops.intake.tests.urls"
