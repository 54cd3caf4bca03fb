"""pytest-gpuci: pytest's own collection as a gpuci scenario, and order files applied at collection.

The hooks live in :mod:`pytest_gpuci.plugin` (registered through the ``pytest11`` entry point);
the item-to-JSON translation in :mod:`pytest_gpuci.scenario`.
"""

__version__ = "0.1.0"
