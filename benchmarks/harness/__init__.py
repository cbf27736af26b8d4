"""The benchmark orchestrator: venvs, processes, load generation and reports."""
