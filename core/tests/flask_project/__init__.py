"""A project written for Flask, run on vial by ``test_compat_flask_project.py``.

``notes/`` is the project: its code imports only ``flask`` and its tests are
plain Flask-style pytest tests. The core's test session does not collect it
(see ``conftest.py``): it runs in its own pytest process with the Flask
compatibility switch on, as its users would run it.
"""
