"""Stub fixtures for collecting ``Tests/GPUCISimulationTests/Fixtures/e2e_test`` with real pytest.

That tree's ``fixtures`` package is empty (the static importer never reads it), so pytest would
find no ``setup_backend`` fixture and order the items as if it were function-scoped. These
stand-ins have the reference suite's scopes (``setup_backend`` class, the pool session); load
them with ``-p gpuci_e2e_stub_fixtures``. No fixture body runs during ``--collect-only``.
"""

import pytest


@pytest.fixture(scope="class")
def setup_backend(request):
    raise RuntimeError(f"stub setup_backend({request.param!r}) does not start backends")


@pytest.fixture(scope="session")
def model_pool():
    raise RuntimeError("stub model_pool does not start workers")


@pytest.fixture(scope="session")
def genai_bench_runner():
    raise RuntimeError("stub genai_bench_runner does not run benchmarks")
