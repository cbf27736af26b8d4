"""Test support (not a test module): SQLAlchemy models and an app using them.

The models live on one module-level ``db``, as in an app; every app made by
:func:`make_sql_app` initialises it with its own engine, the way worker
processes of one deployment each have theirs.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from vial import render_template_string
from vial import Vial
from vial_login import login_user
from vial_login import LoginManager
from vial_login import UserMixin
from vial_roles import permissions_required
from vial_roles import Roles
from vial_roles import roles_required
from vial_roles import UserRolesMixin
from vial_roles.sqlalchemy import define_user_roles
from vial_roles.sqlalchemy import RoleModelMixin
from vial_roles.sqlalchemy import SQLAlchemyDatastore
from vial_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Role(db.Model, RoleModelMixin):  # type: ignore[name-defined, misc]
    pass


class User(db.Model, UserMixin, UserRolesMixin):  # type: ignore[name-defined, misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(200), unique=True)


user_roles = define_user_roles(User, Role)


def make_sql_app(url: str, name: str = "sql_roles") -> Vial:
    """Return an app on the database at ``url``, with vial-login and vial-roles."""
    app = Vial(name)
    app.config.update(TESTING=True, SECRET_KEY="test key", SQLALCHEMY_DATABASE_URI=url)
    db.init_app(app)
    manager = LoginManager(app)

    @manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id))

    Roles(app, SQLAlchemyDatastore(db, User, Role))

    @app.post("/login/<email>")
    def login(email: str) -> str:
        user = db.session.execute(sa.select(User).filter_by(email=email)).scalar_one()
        login_user(user)
        return "logged in"

    @app.get("/admin")
    @roles_required("admin")
    def admin() -> str:
        return "admin area"

    @app.get("/write")
    @permissions_required("posts.edit")
    def write() -> str:
        return "write"

    @app.get("/badge")
    def badge() -> str:
        return render_template_string(
            "{{ current_user.has_role('admin') }}"
            " {{ current_user.has_permission('posts.edit') }}"
        )

    return app
