"""A whole module skipped through ``pytestmark``."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.skip(reason="rerank API not served yet")]


@pytest.mark.model("llama-1b")
@pytest.mark.parametrize("setup_backend", ["http"], indirect=True)
class TestRerank:
    def test_rerank_order(self, setup_backend):
        assert setup_backend
