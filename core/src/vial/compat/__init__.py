"""The Flask compatibility switch: run code written for Flask on vial.

.. code-block:: python

    import vial.compat

    vial.compat.alias_flask()

    from flask import Flask  # vial's application class, named Flask

``python -m vial.compat`` (or ``vial --flask-compat``) runs the command line
with the switch on, and ``pytest -p vial.compat.pytest_plugin`` runs a Flask
project's tests on vial.
"""

from __future__ import annotations

from ._aliases import _unalias as _unalias
from ._aliases import alias_flask as alias_flask
from ._aliases import EXTENSION_ALIASES as EXTENSION_ALIASES
from ._aliases import extension_aliases as extension_aliases
from ._aliases import is_aliased as is_aliased
from ._flask import Flask as Flask
from ._flask import FLASK_VERSION as FLASK_VERSION
from ._flask import FlaskConfig as FlaskConfig
