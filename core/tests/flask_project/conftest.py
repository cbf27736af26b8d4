"""Keep the core's test session out of the Flask project.

Its tests need the Flask compatibility switch on from the start, so
``test_compat_flask_project.py`` runs them in a pytest process of their own.
"""

from __future__ import annotations

collect_ignore = ["notes"]
