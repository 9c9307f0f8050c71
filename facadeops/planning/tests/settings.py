"""Settings for the planning tests until the project installs the app: the project's
settings plus ``facadeops.planning`` and a URLconf mounting its pages and API. Not
collected by pytest (holds no tests)."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

if "facadeops.planning" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "facadeops.planning"]
ROOT_URLCONF = "facadeops.planning.tests.urls"
