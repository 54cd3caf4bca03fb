"""Fixtures of the newer-style suite: one backend per test (function scope), one worker pool per session.

gpuci fixture tree: real pytest collects it (with the ``infra`` stub from
contrib/pytest-gpuci/tests/stubs on PYTHONPATH); no fixture body runs during collection.
"""

import pytest
from infra import ConnectionMode, Gateway


@pytest.fixture(scope="session")
def model_pool():
    """Workers shared by the whole session (stand-in: never started here)."""
    raise RuntimeError("model_pool needs GPUs")


@pytest.fixture(scope="function")
def setup_backend(request, model_pool):
    """A gateway in front of workers for ``request.param`` (http, grpc, pd), torn down after each test."""
    backend = request.param
    mode = ConnectionMode.GRPC if backend == "grpc" else ConnectionMode.HTTP
    marker = request.node.get_closest_marker("model")
    model = marker.args[0] if marker else "llama-8b"
    instance = model_pool.get(model, mode)
    gateway = Gateway()
    gateway.start(worker_urls=[instance.worker_url])
    yield backend, model, None, gateway
    gateway.shutdown()
