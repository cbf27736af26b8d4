"""The Flask names that vial provides under the compatibility switch."""

from __future__ import annotations

import json
import typing as t

from vial.app import Vial
from vial.config import Config

#: The Flask version reported as ``flask.__version__`` and by
#: ``importlib.metadata.version("flask")`` while the switch is on.
#:
#: It is the Flask release whose behaviour vial follows and is checked
#: against (the cookie vectors in ``tests/data`` come from it), so
#: extensions that check the Flask version get an answer that matches the
#: API they talk to.
FLASK_VERSION = "3.1.3"


class FlaskConfig(Config):
    """:class:`~vial.Config` whose :meth:`from_prefixed_env` reads
    ``FLASK_*`` variables by default, as Flask's does."""

    def from_prefixed_env(
        self, prefix: str = "FLASK", *, loads: t.Callable[[str], t.Any] = json.loads
    ) -> bool:
        """Load environment variables starting with ``PREFIX_``; see
        :meth:`vial.Config.from_prefixed_env`."""
        return super().from_prefixed_env(prefix, loads=loads)


class Flask(Vial):
    """The application class under the name Flask code uses.

    It is :class:`~vial.Vial`, with :class:`FlaskConfig` as its
    configuration class.
    """

    config_class = FlaskConfig
