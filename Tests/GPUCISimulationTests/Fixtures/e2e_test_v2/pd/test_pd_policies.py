"""Policies over the PD routing checks, by subclassing the imported ``TestPDRouting``.

Importing a ``Test*`` class into a test module makes pytest collect it here as well.
"""

import pytest
from test_pd_routing import TestPDRouting


@pytest.mark.gateway(policy="power_of_two", extra_args=["--pd-retries", "2"])
class TestPDPowerOfTwo(TestPDRouting):
    def test_pd_policy_header(self, setup_backend):
        assert setup_backend
