"""Package facts under the names Flask-Login's ``__about__`` module has.

Compat-facing: code and test suites written for Flask-Login import these
from ``flask_login.__about__`` (with vial's Flask switch on, that is this
module). Like ``flask.__version__`` under the switch, the version is that of
the Flask-Login release whose API vial-login provides, so version checks
written for Flask-Login keep working. vial-login's own version is
``importlib.metadata.version("vial-login")``.
"""

from __future__ import annotations

__title__ = "vial-login"
__description__ = "Session authentication for vial apps, with the Flask-Login API."
__url__ = "https://pypi.org/project/vial-login/"
#: The Flask-Login release whose API vial-login provides.
__version_info__ = ("0", "6", "3")
__version__ = ".".join(__version_info__)
__author__ = "The vial developers"
__author_email__ = ""
__maintainer__ = "The vial developers"
__license__ = "BSD-3-Clause"
__copyright__ = "(c) the vial developers"
