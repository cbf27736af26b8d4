"""Benchmark scenario apps; each module runs inside its framework's own venv."""
