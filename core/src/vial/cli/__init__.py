"""The ``vial`` command line: finding the app, command groups, and the
``run``, ``routes`` and ``shell`` commands.

Importing this module imports click; ``import vial`` does not.
"""

from __future__ import annotations

from ._commands import CertParamType as CertParamType
from ._commands import routes_command as routes_command
from ._commands import run_command as run_command
from ._commands import SeparatedPathType as SeparatedPathType
from ._commands import shell_command as shell_command
from ._commands import show_server_banner as show_server_banner
from ._discovery import find_app_by_string as find_app_by_string
from ._discovery import find_best_app as find_best_app
from ._discovery import locate_app as locate_app
from ._discovery import NoAppException as NoAppException
from ._discovery import prepare_import as prepare_import
from ._dotenv import load_dotenv as load_dotenv
from ._groups import AppGroup as AppGroup
from ._groups import get_version as get_version
from ._groups import pass_script_info as pass_script_info
from ._groups import ScriptInfo as ScriptInfo
from ._groups import VialGroup as VialGroup
from ._groups import with_appcontext as with_appcontext
from ._main import cli as cli
from ._main import main as main
