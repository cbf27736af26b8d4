"""A small note-taking app built on every first-party extension at once.

Users register (a form with CSRF protection, the password hashed by
vial-passwords), log in and out (vial-login, with a remember-me cookie),
and keep notes in a database (vial-sqlalchemy), through HTML pages and a
JSON API. The integration tests drive it as a browser and a JSON client do.
"""

from .factory import create_app as create_app
