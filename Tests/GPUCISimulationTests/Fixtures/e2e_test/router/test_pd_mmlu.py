"""MMLU through a prefill/decode disaggregated router (1 prefill + 1 decode)."""

import pytest


@pytest.mark.e2e
@pytest.mark.parametrize("setup_backend", ["pd"], indirect=True)
class TestPDMMLU:
    def test_pd_mmlu_basic(self, setup_backend):
        backend, model, client, gateway = setup_backend
        assert client is not None
