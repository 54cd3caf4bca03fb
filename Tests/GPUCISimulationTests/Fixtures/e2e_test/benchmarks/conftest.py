"""genai-bench runner fixture (not collected: not a test module)."""
