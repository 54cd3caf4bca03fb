"""Regular router performance with 4 workers, cache-aware policy."""

import pytest


@pytest.mark.e2e
@pytest.mark.workers(count=4)
@pytest.mark.gateway(policy="cache_aware")
@pytest.mark.parametrize("setup_backend", ["http", "grpc"], indirect=True)
class TestRegularPerf:
    def test_regular_perf(self, setup_backend, genai_bench_runner):
        genai_bench_runner(router_url=setup_backend[3].base_url, thresholds={"ttft_mean_max": 6})
