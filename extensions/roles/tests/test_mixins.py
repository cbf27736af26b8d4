from __future__ import annotations

import pytest
from support import log_in
from support import User

from vial import render_template_string
from vial import Vial
from vial_login import AnonymousUserMixin
from vial_roles import AnonymousUser
from vial_roles import MemoryDatastore
from vial_roles import Role
from vial_roles import RoleMixin


def test_role_has_permission() -> None:
    role = Role("editor", permissions=["posts.edit", "posts.publish"])
    assert role.has_permission("posts.edit")
    assert not role.has_permission("posts.delete")
    assert isinstance(role, RoleMixin)


def test_user_has_role_by_name_or_object(app: Vial, datastore: MemoryDatastore) -> None:
    ann = datastore.find_user("ann@example.com")
    bob = datastore.find_user("bob@example.com")
    admin = datastore.find_role("admin")
    assert isinstance(ann, User)
    assert isinstance(bob, User)
    assert admin is not None
    with app.app_context():
        assert ann.has_role("admin")
        assert ann.has_role(admin)
        assert ann.has_role(Role("admin"))  # compared by name
        assert not ann.has_role("editor")
        assert not bob.has_role("admin")
        assert not bob.has_role(admin)


def test_user_has_permission(app: Vial, datastore: MemoryDatastore) -> None:
    ann = datastore.find_user("ann@example.com")
    eve = datastore.find_user("eve@example.com")
    assert isinstance(ann, User)
    assert isinstance(eve, User)
    with app.app_context():
        assert ann.has_permission("users.manage")
        assert ann.has_permission("posts.edit")
        assert eve.has_permission("posts.edit")
        assert not eve.has_permission("users.manage")


def test_answers_follow_the_datastore(app: Vial, datastore: MemoryDatastore) -> None:
    bob = datastore.find_user("bob@example.com")
    viewer = datastore.find_role("viewer")
    assert isinstance(bob, User)
    assert viewer is not None
    with app.app_context():
        assert not bob.has_role("viewer")
        datastore.add_role_to_user(bob, viewer)
        assert bob.has_role("viewer")
        datastore.remove_role_from_user(bob, viewer)
        assert not bob.has_role("viewer")


def test_has_role_needs_an_app(datastore: MemoryDatastore) -> None:
    ann = datastore.find_user("ann@example.com")
    assert isinstance(ann, User)
    with pytest.raises(RuntimeError, match=r"application context"):
        ann.has_role("admin")


def test_anonymous_user() -> None:
    anonymous = AnonymousUser()
    assert isinstance(anonymous, AnonymousUserMixin)
    assert anonymous.is_anonymous
    assert not anonymous.has_role("admin")
    assert not anonymous.has_role(Role("admin"))
    assert not anonymous.has_permission("posts.edit")


@pytest.mark.parametrize(
    ("name", "shown"),
    [("ann", "admin True"), ("eve", "plain True"), ("bob", "plain False")],
)
def test_templates_ask_current_user(app: Vial, name: str, shown: str) -> None:
    client = app.test_client()
    log_in(client, f"{name}@example.com")
    assert client.get("/badge").get_data(as_text=True) == shown


def test_templates_with_an_anonymous_visitor(app: Vial) -> None:
    assert app.test_client().get("/badge").get_data(as_text=True) == "plain False"


def test_templates_see_a_revocation_at_once(
    app: Vial, datastore: MemoryDatastore
) -> None:
    ann = datastore.find_user("ann@example.com")
    admin = datastore.find_role("admin")
    assert admin is not None
    client = app.test_client()
    log_in(client, "ann@example.com")
    assert client.get("/badge").get_data(as_text=True) == "admin True"
    datastore.remove_role_from_user(ann, admin)
    assert client.get("/badge").get_data(as_text=True) == "plain False"


def test_template_outside_a_request(app: Vial, datastore: MemoryDatastore) -> None:
    with app.app_context():
        text = render_template_string(
            "{{ user.has_role('editor') }}",
            user=datastore.find_user("eve@example.com"),
        )
    assert text == "True"
