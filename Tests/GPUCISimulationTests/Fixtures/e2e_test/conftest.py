"""Loads the fixtures package (model_pool, setup_backend) and the collection hooks."""
pytest_plugins = ["fixtures"]
