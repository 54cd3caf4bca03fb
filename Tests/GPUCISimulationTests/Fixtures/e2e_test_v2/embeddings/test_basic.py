"""Embeddings; module marks include a string skipif condition that is false on every platform."""

import sys

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.model("embedding"),
    pytest.mark.skipif("sys.platform == 'nonexistent'", reason="not on this platform"),
]


@pytest.mark.parametrize("setup_backend", ["http", "grpc"], indirect=True)
class TestEmbeddingBasic:
    def test_embedding_single(self, setup_backend):
        assert setup_backend

    @pytest.mark.parametrize("batch", [1, 8])
    def test_embedding_batch(self, setup_backend, batch):
        assert batch


def test_python_is_3():
    assert sys.version_info[0] == 3
