"""Worker management API of the gateway, and IGW mode (workers added at run time)."""

import pytest
from infra import ConnectionMode, Gateway


@pytest.mark.e2e
@pytest.mark.parametrize("setup_backend", ["grpc", "http"], indirect=True)
class TestWorkerAPI:
    def test_list_workers(self, setup_backend):
        _, _, _, gateway = setup_backend
        assert len(gateway.list_workers()) >= 1

    def test_list_models(self, setup_backend):
        _, _, _, gateway = setup_backend
        assert gateway.list_models()

    def test_health_endpoint(self, setup_backend):
        assert setup_backend[3].health()


@pytest.mark.e2e
class TestIGWMode:
    """The gateway starts empty; workers come from model_pool.get()."""

    def test_igw_start_empty(self, model_pool):
        gateway = Gateway()
        gateway.start(igw_mode=True)
        try:
            assert gateway.health()
        finally:
            gateway.shutdown()

    def test_igw_add_worker(self, model_pool):
        instance = model_pool.get("llama-8b", ConnectionMode.HTTP)
        gateway = Gateway()
        try:
            gateway.start(igw_mode=True)
            ok, _ = gateway.add_worker(instance.worker_url)
            assert ok
        finally:
            gateway.shutdown()

    def test_igw_multiple_workers(self, model_pool):
        http = model_pool.get("llama-8b", ConnectionMode.HTTP)
        grpc = model_pool.get("llama-8b", ConnectionMode.GRPC)
        gateway = Gateway()
        try:
            gateway.start(igw_mode=True)
            for url in (http.worker_url, grpc.worker_url):
                gateway.add_worker(url)
            assert len(gateway.list_workers()) >= 2
        finally:
            gateway.shutdown()
