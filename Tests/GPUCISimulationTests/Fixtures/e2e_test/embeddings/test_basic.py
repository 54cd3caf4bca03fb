"""Embedding API through the router, gRPC and HTTP workers."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.model("embedding")]


@pytest.mark.parametrize("setup_backend", ["grpc", "http"], indirect=True)
class TestEmbeddingBasic:
    def test_embedding_single(self, setup_backend):
        _, model, client, _ = setup_backend
        response = client.embeddings.create(model=model, input="Hello world")
        assert len(response.data) == 1

    def test_embedding_batch(self, setup_backend):
        _, model, client, _ = setup_backend
        assert client.embeddings.create(model=model, input=["a", "b"]).data

    def test_embedding_unicode(self, setup_backend):
        _, model, client, _ = setup_backend
        text = "Hello 世界! Привет мир # not a comment"
        assert client.embeddings.create(model=model, input=text).data
