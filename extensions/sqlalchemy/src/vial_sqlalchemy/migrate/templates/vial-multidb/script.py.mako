<%!
    from vial_sqlalchemy.migrate.state import STATE
%><%
    # The default database is "", the binds go by their keys.
    engine_names = sorted("" if key is None else key for key in STATE.get().db.engines)
%>"""${message}

Revision: ${up_revision}
Follows: ${comma(down_revision) or "nothing, the first revision"}
Written: ${create_date}
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}
# Alembic reads these to order the revisions.
revision: str = ${repr(up_revision)}
down_revision: str | tuple[str, ...] | None = ${repr(down_revision)}
branch_labels: str | tuple[str, ...] | None = ${repr(branch_labels)}
depends_on: str | tuple[str, ...] | None = ${repr(depends_on)}


def upgrade(engine_name: str) -> None:
    """Apply this revision to one database ("" is the default database)."""
    globals()[f"upgrade_{engine_name}"]()


def downgrade(engine_name: str) -> None:
    """Undo this revision in one database ("" is the default database)."""
    globals()[f"downgrade_{engine_name}"]()
% for name in engine_names:


def upgrade_${name}() -> None:
    """Apply this revision to ${f"the bind {name!r}" if name else "the default database"}."""
    ${context.get(f"{name}_upgrades", "pass")}


def downgrade_${name}() -> None:
    """Undo this revision in ${f"the bind {name!r}" if name else "the default database"}."""
    ${context.get(f"{name}_downgrades", "pass")}
% endfor
