"""Worker API and IGW mode; skipif with literal conditions, a helper class pytest does not collect."""

import pytest
from infra import ConnectionMode, Gateway

pytestmark = [pytest.mark.e2e]


@pytest.mark.skipif(False, reason="never skipped")
@pytest.mark.parametrize("setup_backend", ["http", "grpc"], indirect=True)
class TestWorkerAPI:
    def test_list_workers(self, setup_backend):
        assert setup_backend[3].list_workers()

    @pytest.mark.skipif(True, reason="needs two GPUs per worker")
    def test_list_workers_tp2(self, setup_backend):
        assert setup_backend

    def test_health(self, setup_backend):
        assert setup_backend[3].health()


class TestIGWMode:
    """The gateway starts empty; workers come from model_pool.get()."""

    def test_igw_add_worker(self, model_pool):
        worker = model_pool.get("llama-8b", ConnectionMode.HTTP)
        gateway = Gateway()
        gateway.start(igw_mode=True)
        gateway.add_worker(worker.worker_url)

    @pytest.mark.skipif("sys.platform == 'nonexistent'", reason="platform string condition")
    def test_igw_two_modes(self, model_pool):
        model_pool.get("llama-8b", ConnectionMode.HTTP)
        model_pool.get("llama-8b", mode=ConnectionMode.GRPC)
        Gateway().start(igw_mode=True)


class TestWorkerHelpers:
    """Shared checks, not tests of their own: pytest skips the class because of ``__test__``."""

    __test__ = False

    def test_worker_shape(self, setup_backend):
        assert setup_backend
