from __future__ import annotations

import pathlib
from datetime import timedelta

import pytest
from werkzeug.routing import BuildError

from vial import Blueprint
from vial import url_for
from vial import Vial
from vial.testing import VialClient

HERE = pathlib.Path(__file__).parent
STATIC = HERE / "static"
ADMIN_ROOT = HERE / "admin"
ADMIN_CSS = (ADMIN_ROOT / "static" / "admin.css").read_bytes()


def _admin(**kwargs: object) -> Blueprint:
    kwargs.setdefault("static_folder", "static")
    return Blueprint("admin", __name__, root_path=str(ADMIN_ROOT), **kwargs)  # type: ignore[arg-type]


# -- The app's static endpoint --------------------------------------------------


def test_app_static_endpoint(app: Vial, client: VialClient) -> None:
    rv = client.get("/static/index.html")
    assert rv.status_code == 200
    assert rv.data == (STATIC / "index.html").read_bytes()
    assert rv.mimetype == "text/html"
    assert client.get("/static/css/site.css").mimetype == "text/css"
    assert client.get("/static/missing.css").status_code == 404

    with app.test_request_context():
        assert url_for("static", filename="css/site.css") == "/static/css/site.css"
        assert (
            url_for("static", filename="index.html", _external=True)
            == "http://localhost/static/index.html"
        )


def test_app_static_head_and_conditional(app: Vial, client: VialClient) -> None:
    full = client.get("/static/index.html")
    head = client.head("/static/index.html")
    assert head.status_code == 200
    assert head.data == b""
    assert head.content_length == full.content_length
    # Without a max age, browsers revalidate; the ETag answers that.
    assert full.headers["Cache-Control"] == "no-cache"
    rv = client.get(
        "/static/index.html", headers={"If-None-Match": full.headers["ETag"]}
    )
    assert rv.status_code == 304


def test_app_static_url_path() -> None:
    app = Vial(__name__, root_path=str(HERE), static_url_path="/assets")
    client = app.test_client()
    rv = client.get("/assets/index.html", buffered=True)
    assert rv.data == (STATIC / "index.html").read_bytes()
    assert client.get("/static/index.html").status_code == 404
    with app.test_request_context():
        assert url_for("static", filename="index.html") == "/assets/index.html"


def test_app_static_folder_elsewhere(tmp_path: pathlib.Path) -> None:
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "robots.txt").write_text("User-agent: *\n")
    app = Vial(__name__, root_path=str(tmp_path), static_folder="public")
    assert app.static_url_path == "/public"
    rv = app.test_client().get("/public/robots.txt", buffered=True)
    assert rv.text == "User-agent: *\n"


def test_app_empty_static_url_path_serves_from_the_root() -> None:
    app = Vial(__name__, root_path=str(HERE), static_url_path="")
    rv = app.test_client().get("/index.html", buffered=True)
    assert rv.data == (STATIC / "index.html").read_bytes()


def test_app_without_static_folder() -> None:
    app = Vial(__name__, root_path=str(HERE), static_folder=None)
    assert "static" not in app.view_functions
    assert not app.has_static_folder
    assert app.test_client().get("/static/index.html").status_code == 404
    with app.test_request_context(), pytest.raises(BuildError):
        url_for("static", filename="index.html")
    with pytest.raises(RuntimeError, match="static_folder"):
        app.send_static_file("index.html")


@pytest.mark.parametrize(
    "url",
    [
        "/static/../conftest.py",
        "/static/%2e%2e/conftest.py",
        "/static/%2E%2E%2Fconftest.py",
        "/static/css/..%2f..%2fconftest.py",
        "/static/..%5cconftest.py",
        "/static/index.html%00.css",
        "/static/%00",
        "/static/%2fetc%2fpasswd",
        "/static/css",
        "/static/",
    ],
)
def test_app_static_traversal_is_404(client: VialClient, url: str) -> None:
    assert client.get(url, follow_redirects=True).status_code == 404


def test_app_static_symlink_leading_outside(tmp_path: pathlib.Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "config.py").write_text("SECRET_KEY = 'x'\n")
    (tmp_path / "static" / "config.py").symlink_to(tmp_path / "config.py")
    app = Vial(__name__, root_path=str(tmp_path))
    assert app.test_client().get("/static/config.py").status_code == 404


@pytest.mark.parametrize(
    ("value", "expected"), [(60, 60), (timedelta(hours=12), 43200), (None, None)]
)
def test_app_static_max_age_from_config(
    app: Vial, client: VialClient, value: int | timedelta | None, expected: int | None
) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = value
    rv = client.get("/static/index.html")
    assert rv.cache_control.max_age == expected
    assert rv.cache_control.public is (expected is not None)


def test_app_subclass_overrides_get_send_file_max_age() -> None:
    seen: list[str | None] = []

    class LongCacheApp(Vial):
        def get_send_file_max_age(self, filename: str | None) -> int | None:
            seen.append(filename)
            if filename is not None and filename.endswith(".css"):
                return 31536000
            return None

    app = LongCacheApp(__name__, root_path=str(HERE))
    client = app.test_client()
    assert client.get("/static/css/site.css", buffered=True).cache_control.max_age == (
        31536000
    )
    assert client.get("/static/index.html", buffered=True).cache_control.no_cache
    # The static view asks with the name inside the static folder.
    assert seen[:2] == ["css/site.css", "index.html"]


# -- Blueprint static endpoints -------------------------------------------------


def test_blueprint_static_with_url_prefix(app: Vial, client: VialClient) -> None:
    app.register_blueprint(_admin(url_prefix="/admin"))
    rv = client.get("/admin/static/admin.css")
    assert rv.status_code == 200
    assert rv.data == ADMIN_CSS
    assert rv.mimetype == "text/css"
    # The app's static folder is still the app's.
    assert client.get("/static/index.html").status_code == 200
    assert client.get("/admin/static/index.html").status_code == 404
    with app.test_request_context():
        assert (
            url_for("admin.static", filename="admin.css") == "/admin/static/admin.css"
        )


def test_blueprint_custom_static_url_path(app: Vial, client: VialClient) -> None:
    app.register_blueprint(_admin(url_prefix="/admin", static_url_path="/assets"))
    assert client.get("/admin/assets/admin.css").data == ADMIN_CSS
    assert client.get("/admin/static/admin.css").status_code == 404
    with app.test_request_context():
        assert (
            url_for("admin.static", filename="admin.css") == "/admin/assets/admin.css"
        )


def test_blueprint_static_without_url_prefix(app: Vial, client: VialClient) -> None:
    app.register_blueprint(_admin(static_url_path="/admin-static"))
    assert client.get("/admin-static/admin.css").data == ADMIN_CSS
    with app.test_request_context():
        assert url_for("admin.static", filename="admin.css") == (
            "/admin-static/admin.css"
        )


def test_blueprint_without_static_folder(app: Vial, client: VialClient) -> None:
    app.register_blueprint(
        Blueprint("plain", __name__, url_prefix="/plain", static_folder=None)
    )
    assert "plain.static" not in app.view_functions
    assert client.get("/plain/static/index.html").status_code == 404
    with app.test_request_context(), pytest.raises(BuildError):
        url_for("plain.static", filename="index.html")


def test_nested_blueprint_static(app: Vial, client: VialClient) -> None:
    parent = Blueprint("parent", __name__, url_prefix="/parent")
    parent.register_blueprint(_admin(url_prefix="/admin"))
    app.register_blueprint(parent)
    assert client.get("/parent/admin/static/admin.css").data == ADMIN_CSS
    with app.test_request_context():
        assert url_for("parent.admin.static", filename="admin.css") == (
            "/parent/admin/static/admin.css"
        )


@pytest.mark.parametrize(
    "url",
    [
        "/admin/static/../../conftest.py",
        "/admin/static/%2e%2e/%2e%2e/conftest.py",
        "/admin/static/..%2f..%2fconftest.py",
        "/admin/static/admin.css%00",
        "/admin/static/%2ftmp",
    ],
)
def test_blueprint_static_traversal_is_404(
    app: Vial, client: VialClient, url: str
) -> None:
    app.register_blueprint(_admin(url_prefix="/admin"))
    assert client.get(url, follow_redirects=True).status_code == 404


def test_blueprint_static_max_age_from_config(app: Vial, client: VialClient) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = timedelta(minutes=2)
    app.register_blueprint(_admin(url_prefix="/admin"))
    assert client.get("/admin/static/admin.css").cache_control.max_age == 120


def test_blueprint_overrides_get_send_file_max_age(
    app: Vial, client: VialClient
) -> None:
    class CachedBlueprint(Blueprint):
        def get_send_file_max_age(self, filename: str | None) -> int | None:
            return 900

    app.register_blueprint(
        CachedBlueprint(
            "admin",
            __name__,
            root_path=str(ADMIN_ROOT),
            static_folder="static",
            url_prefix="/admin",
        )
    )
    assert client.get("/admin/static/admin.css").cache_control.max_age == 900
    # The app's own static files keep the app's setting.
    assert client.get("/static/index.html").cache_control.max_age is None
