from django.conf import settings as _settings

# Until the project installs the app, these tests run with
# ``--ds facadeops.intake.tests.settings``; under the project settings they are not collected.
if "facadeops.portal" not in _settings.INSTALLED_APPS:
    collect_ignore_glob = ["test_*.py"]

from facadeops.intake.tests.conftest import _media_and_cache  # noqa: F401
from facadeops.service.tests.test_process_flow import crew, people, world  # noqa: F401
