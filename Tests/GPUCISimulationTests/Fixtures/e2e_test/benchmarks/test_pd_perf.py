"""PD router performance with 2 prefill + 2 decode workers."""

import pytest


@pytest.mark.e2e
@pytest.mark.workers(prefill=2, decode=2)
@pytest.mark.parametrize("setup_backend", ["pd"], indirect=True)
class TestPDPerf:
    def test_pd_perf(self, setup_backend, genai_bench_runner):
        genai_bench_runner(router_url=setup_backend[3].base_url, thresholds={"ttft_mean_max": 13})
