from __future__ import annotations

import json
import typing as t
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest
from _session_helpers import cookie_value
from _session_helpers import register_session_views
from _session_helpers import set_cookie_headers
from itsdangerous import URLSafeTimedSerializer
from markupsafe import Markup
from werkzeug.http import parse_date

from vial import session
from vial import Vial
from vial.sessions import NullSession
from vial.sessions import SecureCookieSession
from vial.sessions import SecureCookieSessionInterface
from vial.sessions import session_json_serializer
from vial.sessions import SessionInterface
from vial.sessions import SessionMixin
from vial.testing import VialClient


@pytest.fixture
def seen(app: Vial) -> list[dict[str, t.Any]]:
    return register_session_views(app)


# The session object


def test_secure_cookie_session_starts_clean() -> None:
    s = SecureCookieSession({"a": 1})
    assert s == {"a": 1}
    assert not s.modified
    assert not s.accessed
    assert not s.new


@pytest.mark.parametrize(
    "read",
    [
        lambda s: s["a"],
        lambda s: s.get("a"),
        lambda s: s.setdefault("a", 2),
        lambda s: "a" in s,
        lambda s: len(s),
        lambda s: list(s),
        lambda s: s.keys(),
        lambda s: s.values(),
        lambda s: s.items(),
        lambda s: s.permanent,
    ],
)
def test_reads_mark_accessed_only(
    read: t.Callable[[SecureCookieSession], object],
) -> None:
    s = SecureCookieSession({"a": 1})
    read(s)
    assert s.accessed
    assert not s.modified
    assert s == {"a": 1}


@pytest.mark.parametrize(
    "write",
    [
        lambda s: s.__setitem__("b", 2),
        lambda s: s.__delitem__("a"),
        lambda s: s.pop("a"),
        lambda s: s.popitem(),
        lambda s: s.update(b=2),
        lambda s: s.clear(),
        lambda s: s.setdefault("b", 2),
        lambda s: setattr(s, "permanent", True),
    ],
)
def test_writes_mark_modified_and_accessed(
    write: t.Callable[[SecureCookieSession], object],
) -> None:
    s = SecureCookieSession({"a": 1})
    write(s)
    assert s.modified
    assert s.accessed


def test_permanent_is_stored_in_session() -> None:
    s = SecureCookieSession()
    assert s.permanent is False
    s.permanent = 1  # type: ignore[assignment]
    assert s["_permanent"] is True
    assert s.permanent is True
    s.permanent = False
    assert s == {"_permanent": False}


def test_session_mixin_defaults_for_untracked_sessions() -> None:
    class DictSession(dict[str, t.Any], SessionMixin):
        pass

    s = DictSession()
    assert s.new is False
    assert s.modified is True
    assert s.accessed is True
    s.permanent = True
    assert s == {"_permanent": True}


def test_null_session_reads_but_refuses_writes() -> None:
    s = NullSession()
    assert s.get("x") is None
    assert "x" not in s
    assert len(s) == 0
    assert s.permanent is False

    writes: list[t.Callable[[], object]] = [
        lambda: s.__setitem__("x", 1),
        lambda: s.__delitem__("x"),
        lambda: s.pop("x"),
        lambda: s.popitem(),
        lambda: s.update(x=1),
        lambda: s.clear(),
        lambda: s.setdefault("x", 1),
    ]

    for write in writes:
        with pytest.raises(RuntimeError, match="no secret key"):
            write()

    with pytest.raises(RuntimeError, match=r"Set app\.secret_key"):
        s.permanent = True


# The interface, without requests


def test_signing_serializer_needs_secret_key(app: Vial) -> None:
    interface = SecureCookieSessionInterface()
    app.secret_key = None
    assert interface.get_signing_serializer(app) is None
    app.secret_key = ""
    assert interface.get_signing_serializer(app) is None
    app.secret_key = "k"
    assert isinstance(interface.get_signing_serializer(app), URLSafeTimedSerializer)


def test_signing_serializer_signs_with_secret_key_last(app: Vial) -> None:
    interface = SecureCookieSessionInterface()
    app.secret_key = "new"
    app.config["SECRET_KEY_FALLBACKS"] = ["oldest", "old"]
    signer = interface.get_signing_serializer(app)
    assert signer is not None
    assert signer.secret_keys == [b"oldest", b"old", b"new"]

    token = signer.dumps({"a": 1})
    only_new = URLSafeTimedSerializer(
        "new",
        salt="cookie-session",
        serializer=session_json_serializer,
        signer_kwargs={"key_derivation": "hmac"},
    )
    assert only_new.loads(token) == {"a": 1}


def test_signing_serializer_reused_until_settings_change(app: Vial) -> None:
    interface = SecureCookieSessionInterface()
    first = interface.get_signing_serializer(app)
    assert first is not None
    assert interface.get_signing_serializer(app) is first

    fallbacks: list[str] = []
    app.config["SECRET_KEY_FALLBACKS"] = fallbacks
    assert interface.get_signing_serializer(app) is first

    # Changed in place: still noticed.
    fallbacks.append("old")
    with_fallback = interface.get_signing_serializer(app)
    assert with_fallback is not first
    assert with_fallback is not None
    assert with_fallback.secret_keys == [b"old", b"test key"]

    app.secret_key = "rotated"
    rotated = interface.get_signing_serializer(app)
    assert rotated is not None
    assert rotated.secret_keys == [b"old", b"rotated"]

    interface.salt = "other-salt"
    salted = interface.get_signing_serializer(app)
    assert salted is not None
    assert salted.salt == b"other-salt"


def test_shared_interface_keeps_apps_apart() -> None:
    first = Vial("first")
    second = Vial("second")
    first.secret_key = "first key"
    second.secret_key = "second key"
    assert first.session_interface is second.session_interface

    @first.get("/set")
    def set_value() -> str:
        session["app"] = "first"
        return ""

    @second.get("/read")
    def read() -> str:
        return repr(session.get("app"))

    cookie = cookie_value(first.test_client().get("/set").headers["Set-Cookie"])
    client = second.test_client()
    client.set_cookie("session", cookie)
    assert client.get("/read").text == "None"


def test_interface_class_attributes() -> None:
    interface = SecureCookieSessionInterface()
    assert interface.salt == "cookie-session"
    assert interface.key_derivation == "hmac"
    assert interface.digest_method(b"x").name == "sha1"
    assert interface.serializer is session_json_serializer
    assert interface.session_class is SecureCookieSession
    assert interface.pickle_based is False
    assert interface.null_session_class is NullSession


def test_null_session_helpers(app: Vial) -> None:
    interface = SecureCookieSessionInterface()
    null = interface.make_null_session(app)
    assert isinstance(null, NullSession)
    assert interface.is_null_session(null)
    assert not interface.is_null_session(SecureCookieSession())


def test_cookie_settings_read_config(app: Vial) -> None:
    interface = SecureCookieSessionInterface()
    app.config.update(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="example.test",
        SESSION_COOKIE_PATH=None,
        APPLICATION_ROOT="/app",
        SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_PARTITIONED=True,
    )
    assert interface.get_cookie_name(app) == "sid"
    assert interface.get_cookie_domain(app) == "example.test"
    assert interface.get_cookie_path(app) == "/app"
    app.config["SESSION_COOKIE_PATH"] = "/only"
    assert interface.get_cookie_path(app) == "/only"
    assert interface.get_cookie_httponly(app) is False
    assert interface.get_cookie_secure(app) is True
    assert interface.get_cookie_samesite(app) == "Strict"
    assert interface.get_cookie_partitioned(app) is True


def test_expiration_time(app: Vial) -> None:
    interface = SecureCookieSessionInterface()
    s = SecureCookieSession()
    assert interface.get_expiration_time(app, s) is None

    s.permanent = True
    app.permanent_session_lifetime = timedelta(hours=2)
    before = datetime.now(timezone.utc)
    expires = interface.get_expiration_time(app, s)
    after = datetime.now(timezone.utc)
    assert expires is not None
    assert before + timedelta(hours=2) <= expires <= after + timedelta(hours=2)


def test_should_set_cookie(app: Vial) -> None:
    interface = SecureCookieSessionInterface()
    s = SecureCookieSession({"a": 1})
    assert not interface.should_set_cookie(app, s)

    s = SecureCookieSession({"_permanent": True})
    app.config["SESSION_REFRESH_EACH_REQUEST"] = True
    assert interface.should_set_cookie(app, s)
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    assert not interface.should_set_cookie(app, s)

    s["a"] = 1
    assert interface.should_set_cookie(app, s)


def test_base_interface_must_be_implemented(app: Vial) -> None:
    interface = SessionInterface()

    with app.test_request_context():
        from vial import request

        with pytest.raises(NotImplementedError, match="open_session"):
            interface.open_session(app, request)

        with pytest.raises(NotImplementedError, match="save_session"):
            interface.save_session(app, SecureCookieSession(), app.response_class())


def test_open_session_outside_a_request(app: Vial) -> None:
    app.secret_key = "k"
    interface = SecureCookieSessionInterface()
    signer = interface.get_signing_serializer(app)
    assert signer is not None
    cookie = signer.dumps({"a": (1, 2)})

    with app.test_request_context(headers={"Cookie": f"session={cookie}"}) as ctx:
        opened = interface.open_session(app, ctx.request)

    assert opened == {"a": (1, 2)}
    assert opened is not None
    assert not opened.accessed
    assert not opened.modified


# Through requests


def test_round_trip(
    app: Vial, client: VialClient, seen: list[dict[str, t.Any]]
) -> None:
    rv = client.get("/set/user/ann")
    assert rv.status_code == 200
    assert "HttpOnly" in rv.headers["Set-Cookie"]
    client.get("/read")
    assert seen == [{"user": "ann"}]


def test_untouched_session_sends_nothing(
    client: VialClient, seen: list[dict[str, t.Any]]
) -> None:
    rv = client.get("/untouched")
    assert "Set-Cookie" not in rv.headers
    assert "Vary" not in rv.headers

    client.get("/set/user/ann")
    # With a cookie present but unused, nothing is re-sent and the response
    # does not vary on it.
    rv = client.get("/untouched")
    assert "Set-Cookie" not in rv.headers
    assert "Vary" not in rv.headers


def test_vary_cookie_when_read(
    client: VialClient, seen: list[dict[str, t.Any]]
) -> None:
    rv = client.get("/contains")
    assert rv.text == "False"
    assert rv.headers["Vary"] == "Cookie"
    assert "Set-Cookie" not in rv.headers

    client.get("/set/user/ann")
    rv = client.get("/contains")
    assert rv.text == "True"
    assert rv.headers["Vary"] == "Cookie"
    assert "Set-Cookie" not in rv.headers


def test_emptied_session_deletes_cookie(
    client: VialClient, seen: list[dict[str, t.Any]]
) -> None:
    client.get("/set/user/ann")
    rv = client.get("/clear")
    (header,) = set_cookie_headers(rv)
    assert header.startswith("session=;")
    assert "Max-Age=0" in header
    assert "Expires=Thu, 01 Jan 1970 00:00:00 GMT" in header
    assert rv.headers["Vary"] == "Cookie"

    client.get("/read")
    assert seen == [{}]


def test_clearing_an_empty_session_deletes_cookie(
    client: VialClient, seen: list[dict[str, t.Any]]
) -> None:
    # clear() counts as a change even on an empty session, as in Flask: the
    # deletion is harmless and guarantees no stale cookie survives.
    rv = client.get("/clear")
    (header,) = set_cookie_headers(rv)
    assert header.startswith("session=;")
    assert "Max-Age=0" in header
    assert rv.headers["Vary"] == "Cookie"


def test_nested_mutation_needs_modified_flag(app: Vial, client: VialClient) -> None:
    @app.get("/init")
    def init() -> str:
        session["items"] = []
        return ""

    @app.get("/append")
    def append() -> str:
        session["items"].append(1)
        return ""

    @app.get("/append-marked")
    def append_marked() -> str:
        session["items"].append(2)
        session.modified = True
        return ""

    @app.get("/items")
    def items() -> str:
        return json.dumps(session["items"])

    client.get("/init")
    assert "Set-Cookie" not in client.get("/append").headers
    assert client.get("/items").text == "[]"
    assert "Set-Cookie" in client.get("/append-marked").headers
    assert client.get("/items").text == "[2]"


def test_all_cookie_options(app: Vial, client: VialClient) -> None:
    app.config.update(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="example.test",
        SESSION_COOKIE_PATH="/shop",
        SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_PARTITIONED=True,
    )

    @app.get("/shop/set")
    def set_value() -> str:
        session["x"] = 1
        return ""

    rv = client.get("/shop/set", "https://example.test/")
    header = rv.headers["Set-Cookie"]
    parts = [p.strip() for p in header.split(";")]
    assert parts[0].startswith("sid=")
    assert "Domain=example.test" in parts
    assert "Path=/shop" in parts
    assert "Secure" in parts
    assert "SameSite=Strict" in parts
    assert "Partitioned" in parts
    assert "HttpOnly" not in parts
    assert not any(p.startswith("Expires=") for p in parts)


def test_default_cookie_options(app: Vial, client: VialClient) -> None:
    @app.get("/set")
    def set_value() -> str:
        session["x"] = 1
        return ""

    parts = [p.strip() for p in client.get("/set").headers["Set-Cookie"].split(";")]
    assert parts[0].startswith("session=")
    assert "HttpOnly" in parts
    assert "Path=/" in parts
    # vial's secure default: HttpOnly and SameSite=Lax.
    assert "SameSite=Lax" in parts
    assert "Secure" not in parts
    assert "Partitioned" not in parts
    assert not any(p.startswith("Domain=") for p in parts)
    assert not any(p.startswith("Expires=") for p in parts)

    app.config["SESSION_COOKIE_SAMESITE"] = None
    parts = [p.strip() for p in client.get("/set").headers["Set-Cookie"].split(";")]
    assert not any(p.startswith("SameSite") for p in parts)


def test_cookie_path_defaults_to_application_root(
    app: Vial, client: VialClient
) -> None:
    app.config["APPLICATION_ROOT"] = "/root"

    @app.get("/set")
    def set_value() -> str:
        session["x"] = 1
        return ""

    rv = client.get("/set")
    assert "Path=/root" in rv.headers["Set-Cookie"]


def test_delete_cookie_uses_cookie_options(app: Vial, client: VialClient) -> None:
    app.config.update(
        SESSION_COOKIE_DOMAIN="example.test",
        SESSION_COOKIE_PATH="/",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_PARTITIONED=True,
    )

    @app.get("/set")
    def set_value() -> str:
        session["x"] = 1
        return ""

    @app.get("/clear")
    def clear() -> str:
        session.clear()
        return ""

    client.get("/set", "https://example.test/")
    header = client.get("/clear", "https://example.test/").headers["Set-Cookie"]
    parts = [p.strip() for p in header.split(";")]
    assert parts[0] == "session="
    for expected in (
        "Domain=example.test",
        "Path=/",
        "Secure",
        "SameSite=Strict",
        "Partitioned",
        "HttpOnly",
        "Max-Age=0",
    ):
        assert expected in parts


def test_permanent_session_expires(
    app: Vial, client: VialClient, seen: list[dict[str, t.Any]]
) -> None:
    app.permanent_session_lifetime = timedelta(days=3)
    before = datetime.now(timezone.utc).replace(microsecond=0)
    rv = client.get("/permanent")
    after = datetime.now(timezone.utc)

    expires_part = next(
        p.strip() for p in rv.headers["Set-Cookie"].split(";") if "Expires=" in p
    )
    expires = parse_date(expires_part.split("=", 1)[1])
    assert expires is not None
    assert before + timedelta(days=3) <= expires <= after + timedelta(days=3)

    client.get("/read")
    assert seen == [{"_permanent": True, "user": "ann"}]


def test_permanent_session_lifetime_as_seconds(
    app: Vial, client: VialClient, seen: list[dict[str, t.Any]]
) -> None:
    app.config["PERMANENT_SESSION_LIFETIME"] = 60
    assert app.permanent_session_lifetime == timedelta(seconds=60)
    rv = client.get("/permanent")
    expires = parse_date(rv.headers["Set-Cookie"].split("Expires=")[1].split(";")[0])
    assert expires is not None
    assert expires - datetime.now(timezone.utc) <= timedelta(seconds=60)


def test_refresh_each_request(
    app: Vial, client: VialClient, seen: list[dict[str, t.Any]]
) -> None:
    client.get("/permanent")
    # A permanent session is re-sent on every request that opens it, which
    # pushes its expiry forward.
    rv = client.get("/read")
    assert "Expires=" in rv.headers["Set-Cookie"]
    rv = client.get("/untouched")
    assert "Expires=" in rv.headers["Set-Cookie"]

    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    rv = client.get("/read")
    assert "Set-Cookie" not in rv.headers


def test_non_permanent_session_not_refreshed(
    client: VialClient, seen: list[dict[str, t.Any]]
) -> None:
    client.get("/set/user/ann")
    assert "Set-Cookie" not in client.get("/read").headers


# No secret key


def test_no_secret_key_reading_works(app: Vial, client: VialClient) -> None:
    app.secret_key = None

    @app.get("/")
    def index() -> str:
        return repr(session.get("x"))

    rv = client.get("/")
    assert rv.status_code == 200
    assert rv.text == "None"
    assert "Set-Cookie" not in rv.headers


def test_no_secret_key_writing_raises(app: Vial, client: VialClient) -> None:
    app.secret_key = None

    @app.get("/")
    def index() -> str:
        session["x"] = 1
        return ""

    with pytest.raises(RuntimeError, match="no secret key"):
        client.get("/")


def test_no_secret_key_gives_null_session(app: Vial) -> None:
    app.secret_key = None

    with app.test_request_context():
        assert isinstance(session._get_current_object(), NullSession)  # type: ignore[attr-defined]


def test_custom_session_interface(app: Vial, client: VialClient) -> None:
    saved: list[dict[str, t.Any]] = []

    class MemoryInterface(SessionInterface):
        def open_session(self, app: Vial, request: t.Any) -> SessionMixin | None:
            return SecureCookieSession({"from": "memory"})

        def save_session(
            self, app: Vial, session: SessionMixin, response: t.Any
        ) -> None:
            saved.append(dict(session))

    app.session_interface = MemoryInterface()

    @app.get("/")
    def index() -> str:
        session["seen"] = True
        return str(session["from"])

    assert client.get("/").text == "memory"
    assert saved == [{"from": "memory", "seen": True}]


def test_session_transaction_round_trip(
    client: VialClient, seen: list[dict[str, t.Any]]
) -> None:
    when = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)

    with client.session_transaction() as sess:
        assert sess == {}
        sess["cart"] = (1, b"\x00", Markup("<b>"), when)

    client.get("/read")
    assert seen == [{"cart": (1, b"\x00", Markup("<b>"), when)}]

    client.get("/set/user/ann")

    with client.session_transaction() as sess:
        assert sess["user"] == "ann"
        assert sess["cart"][3] == when


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        (None, "Cookie"),
        ("Cookie", "Cookie"),
        ("Accept-Encoding", "Accept-Encoding, Cookie"),
        ("accept, cookie", "accept, cookie"),
    ],
)
def test_vary_cookie_joins_an_existing_vary_header(
    app: Vial, existing: str | None, expected: str
) -> None:
    @app.get("/vary")
    def vary() -> t.Any:
        session["seen"] = True
        response = app.response_class("ok")
        if existing is not None:
            response.headers["Vary"] = existing
        return response

    rv = app.test_client().get("/vary")
    assert rv.headers.getlist("Vary") == [expected]


def test_compressible_session_round_trips_compressed(
    client: VialClient, seen: list[dict[str, t.Any]]
) -> None:
    rv = client.get("/set/note/" + "abcd" * 100)
    value = cookie_value(rv.headers["Set-Cookie"])
    # "." marks a compressed payload; 400 repetitive characters shrink.
    assert value.startswith(".")
    assert len(value) < 200
    client.get("/read")
    assert seen[-1] == {"note": "abcd" * 100}
