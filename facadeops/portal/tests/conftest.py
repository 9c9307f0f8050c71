from facadeops.intake.tests.conftest import _media_and_cache  # noqa: F401
from facadeops.service.tests.test_process_flow import crew, people, world  # noqa: F401
