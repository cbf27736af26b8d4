from __future__ import annotations

import typing as t

import pytest
from conftest import make_app
from support import body
from support import JSON
from support import log_in
from support import User

from vial import get_flashed_messages
from vial import Vial
from vial.sessions import SecureCookieSessionInterface
from vial.testing import VialClient
from vial_roles import current_request_user
from vial_roles import get_user_roles
from vial_roles import MemoryDatastore
from vial_roles import permissions_accepted
from vial_roles import permissions_required
from vial_roles import revoke_role
from vial_roles import roles_accepted
from vial_roles import roles_required

# Who reaches which view: ann is admin, eve editor, bob holds no role.
ACCESS = [
    ("/admin", {"ann"}),
    ("/admin-editor", set()),
    ("/staff", {"ann", "eve"}),
    ("/manage", {"ann"}),
    ("/write", {"ann", "eve"}),
]


@pytest.mark.parametrize(("path", "allowed"), ACCESS)
@pytest.mark.parametrize("name", ["ann", "eve", "bob"])
def test_session_users(app: Vial, path: str, allowed: set[str], name: str) -> None:
    client = app.test_client()
    log_in(client, f"{name}@example.com")
    response = client.get(path)
    if name in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "You do not have permission" in response.get_data(as_text=True)
        assert response.mimetype == "text/html"


@pytest.mark.parametrize(("path", "allowed"), ACCESS)
@pytest.mark.parametrize("name", ["ann", "eve", "bob"])
def test_request_users(app: Vial, path: str, allowed: set[str], name: str) -> None:
    # The path of vial-tokens: vial.ext.set_request_user, no session at all.
    client = app.test_client()
    response = client.get(path, headers={"X-Test-User": f"{name}@example.com"})
    assert response.status_code == (200 if name in allowed else 403)
    assert "Set-Cookie" not in response.headers


def test_all_roles_are_needed_for_roles_required(
    app: Vial, datastore: MemoryDatastore
) -> None:
    ann = datastore.find_user("ann@example.com")
    editor = datastore.find_role("editor")
    assert editor is not None
    datastore.add_role_to_user(ann, editor)
    client = app.test_client()
    log_in(client, "ann@example.com")
    assert client.get("/admin-editor").status_code == 200


def test_anonymous_browser_goes_to_the_login_page(client: VialClient) -> None:
    for path, _ in ACCESS:
        response = client.get(path)
        assert response.status_code == 302
        assert response.location.startswith("/login?next=")


def test_anonymous_json_client_gets_401(client: VialClient) -> None:
    response = client.get("/admin", headers=JSON)
    assert response.status_code == 401
    assert body(response)["login_url"].startswith("/login?next=")


def test_anonymous_without_login_view_gets_401(app: Vial) -> None:
    app.login_manager.login_view = None  # type: ignore[attr-defined]
    assert app.test_client().get("/admin").status_code == 401


def test_inactive_user_is_anonymous(app: Vial) -> None:
    # ina holds admin, but a deactivated account is not authenticated.
    client = app.test_client()
    log_in(client, "ina@example.com")
    assert client.get("/admin").status_code == 302
    assert (
        client.get("/admin", headers={"X-Test-User": "ina@example.com"}).status_code
        == 302
    )


def test_no_method_skips_the_check(app: Vial) -> None:
    # vial-login lets OPTIONS through login_required; a role check does not.
    client = app.test_client()
    assert client.options("/admin").status_code == 302
    log_in(client, "bob@example.com")
    assert client.options("/admin").status_code == 403
    assert client.post("/admin").status_code == 403


def test_login_disabled_does_not_disable_role_checks(app: Vial) -> None:
    app.config["LOGIN_DISABLED"] = True
    client = app.test_client()
    assert client.get("/admin").status_code == 302
    log_in(client, "bob@example.com")
    assert client.get("/admin").status_code == 403


def test_forbidden_json(app: Vial) -> None:
    client = app.test_client()
    log_in(client, "bob@example.com")
    response = client.get("/admin", headers=JSON)
    assert response.status_code == 403
    assert body(response) == {
        "code": 403,
        "name": "Forbidden",
        "error": "You do not have permission to view this page.",
    }


def test_forbidden_message_is_configurable_and_names_no_role(app: Vial) -> None:
    app.config["ROLES_UNAUTHORIZED_MESSAGE"] = "Staff only."
    client = app.test_client()
    log_in(client, "bob@example.com")
    text = client.get("/admin").get_data(as_text=True)
    assert "Staff only." in text
    assert "admin" not in text.replace("/admin", "")


def test_app_error_handler_sees_the_403(app: Vial) -> None:
    @app.errorhandler(403)
    def forbidden(error: Exception) -> tuple[str, int]:
        return "custom 403", 403

    client = app.test_client()
    log_in(client, "bob@example.com")
    assert client.get("/admin").get_data(as_text=True) == "custom 403"


@pytest.mark.parametrize("view", ["nope", "/nope"])
def test_unauthorized_view_redirects_browsers(app: Vial, view: str) -> None:
    app.config["ROLES_UNAUTHORIZED_VIEW"] = view
    client = app.test_client()
    log_in(client, "bob@example.com")
    response = client.get("/admin")
    assert response.status_code == 302
    assert response.location == "/nope"
    with client.session_transaction() as session:
        assert session["_flashes"] == [
            ("error", "You do not have permission to view this page.")
        ]
    # A JSON client still gets the error, and an allowed user the page.
    assert client.get("/admin", headers=JSON).status_code == 403
    log_in(client, "ann@example.com")
    assert client.get("/admin").status_code == 200


def test_unauthorized_view_without_message_flashes_nothing(app: Vial) -> None:
    app.config.update(ROLES_UNAUTHORIZED_VIEW="/nope", ROLES_UNAUTHORIZED_MESSAGE=None)
    client = app.test_client()
    log_in(client, "bob@example.com")
    assert client.get("/admin").status_code == 302
    with client.session_transaction() as session:
        assert "_flashes" not in session
    with app.test_request_context():
        assert get_flashed_messages() == []


def test_revoking_a_role_mid_session(app: Vial, datastore: MemoryDatastore) -> None:
    client = app.test_client()
    log_in(client, "ann@example.com")
    assert client.get("/admin").status_code == 200
    with app.app_context():
        ann = datastore.find_user("ann@example.com")
        assert revoke_role(ann, "admin")
    # Same session cookie, next request: the role is gone.
    assert client.get("/admin").status_code == 403


def test_forged_session_cookie_is_dropped(app: Vial) -> None:
    # A cookie signed with another key, claiming to be ann with every role.
    forger = Vial("forger")
    forger.config["SECRET_KEY"] = "a guessed key"
    interface = forger.session_interface
    assert isinstance(interface, SecureCookieSessionInterface)
    serializer = interface.get_signing_serializer(forger)
    assert serializer is not None
    with app.app_context():
        ann_id = User(1, "ann@example.com").get_id()
    forged = serializer.dumps(
        {"_user_id": ann_id, "_fresh": True, "roles": ["admin"], "_roles": ["admin"]}
    )
    client = app.test_client()
    client.set_cookie("session", forged)
    assert client.get("/admin").status_code == 302
    assert client.get("/admin", headers=JSON).status_code == 401


def test_role_claims_in_a_signed_session_grant_nothing(app: Vial) -> None:
    # Even a session the app signed itself cannot carry roles: they are
    # never read from it.
    client = app.test_client()
    log_in(client, "bob@example.com")
    with client.session_transaction() as session:
        session["roles"] = ["admin"]
        session["_roles"] = ["admin"]
        session["permissions"] = ["users.manage", "posts.edit"]
        session["_permissions"] = ["users.manage", "posts.edit"]
    for path, _ in ACCESS:
        assert client.get(path).status_code == 403


def test_an_old_admin_cookie_replayed_after_revocation(
    app: Vial, datastore: MemoryDatastore
) -> None:
    client = app.test_client()
    log_in(client, "ann@example.com")
    cookie = client.get_cookie("session")
    assert cookie is not None
    with app.app_context():
        revoke_role(datastore.find_user("ann@example.com"), "admin")
    replay = app.test_client()
    replay.set_cookie("session", cookie.value)
    assert replay.get("/admin").status_code == 403


def test_two_apps_sharing_a_datastore(datastore: MemoryDatastore) -> None:
    first, second = make_app(datastore, "first"), make_app(datastore, "second")
    one, two = first.test_client(), second.test_client()
    log_in(one, "ann@example.com")
    log_in(two, "ann@example.com")
    with first.app_context():
        revoke_role(datastore.find_user("ann@example.com"), "admin")
    assert two.get("/admin").status_code == 403
    assert one.get("/admin").status_code == 403


def test_async_view(app: Vial) -> None:
    @app.get("/async")
    @roles_required("admin")
    async def async_view() -> str:
        return "async admin"

    client = app.test_client()
    log_in(client, "ann@example.com")
    assert client.get("/async").get_data(as_text=True) == "async admin"


@pytest.mark.parametrize(
    "decorator",
    [roles_required, roles_accepted, permissions_required, permissions_accepted],
)
def test_decorator_misuse(decorator: t.Any) -> None:
    def view() -> str:
        return "x"

    with pytest.raises(TypeError, match=r"with parentheses"):
        decorator(view)
    with pytest.raises(TypeError, match=r"at least one"):
        decorator()
    with pytest.raises(ValueError, match=r"without whitespace or commas"):
        decorator("a,b")
    with pytest.raises(TypeError, match=r"must be a string"):
        decorator(1)


def test_decorators_keep_the_view_name() -> None:
    @roles_required("admin")
    def dashboard() -> str:
        """The dashboard."""
        return "x"

    assert dashboard.__name__ == "dashboard"
    assert dashboard.__doc__ == "The dashboard."


def test_current_request_user(app: Vial) -> None:
    with app.test_request_context():
        assert current_request_user().is_anonymous
    with app.test_request_context(headers={"X-Test-User": "eve@example.com"}):
        app.preprocess_request()
        assert current_request_user().email == "eve@example.com"
        assert [role.name for role in get_user_roles(current_request_user())] == [
            "editor"
        ]


def test_login_manager_is_required() -> None:
    app = Vial("no_login")
    app.config["SECRET_KEY"] = "x"
    from vial_roles import Roles

    Roles(app, MemoryDatastore())

    @app.get("/")
    @roles_required("admin")
    def index() -> str:
        return "x"

    app.testing = True
    with pytest.raises(RuntimeError, match=r"LoginManager\(app\)"):
        app.test_client().get("/")
