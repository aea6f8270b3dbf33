"""The job tests' brokers, for the export tests."""

from tests.workers.conftest import installed_stub_broker, stub_broker  # noqa: F401  (fixtures)
