"""Prefill/decode routing; a Test* base class that a second module imports (and so collects again)."""

import pytest


@pytest.mark.e2e
@pytest.mark.workers(prefill=1, decode=1)
@pytest.mark.parametrize("setup_backend", ["pd"], indirect=True)
class TestPDRouting:
    def test_pd_basic(self, setup_backend):
        assert setup_backend

    @pytest.mark.skipif(not hasattr(pytest, "mark"), reason="pytest without marks")
    def test_pd_long_prompt(self, setup_backend):
        assert setup_backend
