"""Stand-in for the gateway suite's ``infra`` package: just the names the fixture trees import.

Only collection needs it (pytest imports the test modules); nothing here starts a process.
"""

import enum


class ConnectionMode(str, enum.Enum):
    """How a worker is reached."""

    HTTP = "http"
    GRPC = "grpc"


class Gateway:
    """A gateway that never starts."""

    def start(self, **kwargs):
        raise RuntimeError("infra stub: Gateway.start is not available during collection tests")

    def shutdown(self):
        pass


DEFAULT_MODEL = "llama-8b"
