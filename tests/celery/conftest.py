from facadeops.service.tests.test_process_flow import people, wo, world  # noqa: F401
