"""Schema migrations with Alembic for vial-sqlalchemy, with the API of Flask-Migrate 4.

Needs the ``migrate`` extra (``pip install "vial-sqlalchemy[migrate]"``),
which installs Alembic; Alembic is imported when a command first runs.
"""

from .commands import branches as branches
from .commands import check as check
from .commands import current as current
from .commands import downgrade as downgrade
from .commands import edit as edit
from .commands import heads as heads
from .commands import history as history
from .commands import init as init
from .commands import list_templates as list_templates
from .commands import merge as merge
from .commands import migrate as migrate
from .commands import revision as revision
from .commands import show as show
from .commands import stamp as stamp
from .commands import upgrade as upgrade
from .errors import alembic_version as alembic_version
from .errors import MigrationError as MigrationError
from .extension import Migrate as Migrate
from .state import MigrateState as MigrateState
