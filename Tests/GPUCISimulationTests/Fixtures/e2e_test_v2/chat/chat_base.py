"""Shared chat checks: a base class (not collected here, not a test module) with the model marker."""

import pytest


@pytest.mark.e2e
@pytest.mark.model("qwen-7b")
@pytest.mark.workers(count=2)
class ChatSuite:
    def test_chat_hello(self, setup_backend):
        assert setup_backend

    def test_chat_stream(self, setup_backend):
        assert setup_backend
