"""Settings for the archive tests until the project installs the app: the project's settings
plus ``facadeops.archive`` and a URLconf that mounts its pages, API and the service
documents. Not collected by pytest (holds no tests)."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

if "facadeops.archive" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "facadeops.archive"]
ROOT_URLCONF = "facadeops.archive.tests.urls"
