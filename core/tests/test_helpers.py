from __future__ import annotations

import io
import os
import pathlib
import typing as t
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest
from markupsafe import Markup
from werkzeug.exceptions import NotFound
from werkzeug.http import http_date

from vial import flash
from vial import get_flashed_messages
from vial import has_app_context
from vial import has_request_context
from vial import message_flashed
from vial import redirect
from vial import render_template_string
from vial import request
from vial import send_file
from vial import send_from_directory
from vial import session
from vial import stream_with_context
from vial import url_for
from vial import Vial
from vial.testing import VialClient
from vial.typing import ResponseReturnValue

HERE = pathlib.Path(__file__).parent
STATIC = HERE / "static"
ALPHABET = b"abcdefghijklmnopqrstuvwxyz\n"


# -- Flashing -------------------------------------------------------------------


def test_flash_survives_a_redirect_and_is_consumed(
    app: Vial, client: VialClient
) -> None:
    @app.post("/save")
    def save() -> ResponseReturnValue:
        flash("Saved.")
        flash("Disk almost full.", "warning")
        return redirect(url_for("show"))

    @app.get("/show")
    def show() -> ResponseReturnValue:
        return {"messages": get_flashed_messages(with_categories=True)}

    rv = client.post("/save", follow_redirects=True)
    assert rv.request.path == "/show"
    assert rv.json == {
        "messages": [["message", "Saved."], ["warning", "Disk almost full."]]
    }
    # Reading them removed them from the session.
    assert client.get("/show").json == {"messages": []}


def test_unread_messages_accumulate(app: Vial, client: VialClient) -> None:
    @app.get("/add/<text>")
    def add(text: str) -> ResponseReturnValue:
        flash(text)
        return "ok"

    @app.get("/read")
    def read() -> ResponseReturnValue:
        return {"messages": get_flashed_messages()}

    client.get("/add/one")
    client.get("/add/two")
    assert client.get("/read").json == {"messages": ["one", "two"]}


def test_get_flashed_messages_is_stable_within_a_request(
    app: Vial, client: VialClient
) -> None:
    @app.get("/add")
    def add() -> ResponseReturnValue:
        flash("a", "info")
        flash("b", "error")
        flash("c", "info")
        return "ok"

    @app.get("/read")
    def read() -> ResponseReturnValue:
        first = get_flashed_messages()
        second = get_flashed_messages()
        return {
            "first": first,
            "second": second,
            "pairs": get_flashed_messages(with_categories=True),
            "info": get_flashed_messages(category_filter=["info"]),
            "error_pairs": get_flashed_messages(
                with_categories=True, category_filter=("error",)
            ),
            "none": get_flashed_messages(category_filter=["debug"]),
            "left_in_session": "_flashes" in session,
        }

    client.get("/add")
    assert client.get("/read").json == {
        "first": ["a", "b", "c"],
        "second": ["a", "b", "c"],
        "pairs": [["info", "a"], ["error", "b"], ["info", "c"]],
        "info": ["a", "c"],
        "error_pairs": [["error", "b"]],
        "none": [],
        "left_in_session": False,
    }


def test_flash_returns_category_message_tuples(app: Vial) -> None:
    with app.test_request_context():
        flash("Hello", "info")
        pairs = get_flashed_messages(with_categories=True)
        assert pairs == [("info", "Hello")]
        assert isinstance(pairs[0], tuple)
        assert get_flashed_messages() == ["Hello"]


def test_message_flashed_signal(app: Vial, client: VialClient) -> None:
    recorded: list[tuple[t.Any, str, str]] = []

    def receiver(sender: t.Any, message: str, category: str) -> None:
        recorded.append((sender, message, category))

    @app.get("/")
    def index() -> ResponseReturnValue:
        flash("Welcome back.", "success")
        return "ok"

    with message_flashed.connected_to(receiver, app):
        client.get("/")
    assert recorded == [(app, "Welcome back.", "success")]


def test_flashed_messages_in_a_template(app: Vial, client: VialClient) -> None:
    template = (
        "{% for category, message in get_flashed_messages(with_categories=true) %}"
        "<p class={{ category }}>{{ message }}</p>"
        "{% endfor %}"
    )

    @app.get("/add")
    def add() -> ResponseReturnValue:
        flash("<script>alert(1)</script>", "error")
        flash(Markup("<b>Bold</b> news"))
        return redirect("/page")

    @app.get("/page")
    def page() -> ResponseReturnValue:
        return render_template_string(template)

    rv = client.get("/add", follow_redirects=True)
    # Plain text is escaped; Markup survives the session round trip as Markup.
    assert rv.text == (
        "<p class=error>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
        "<p class=message><b>Bold</b> news</p>"
    )
    assert client.get("/page").text == ""


def test_flash_without_secret_key_names_the_fix(app: Vial) -> None:
    app.secret_key = None
    with app.test_request_context(), pytest.raises(RuntimeError) as exc_info:
        flash("Lost.")
    assert "SECRET_KEY" in str(exc_info.value)


# -- send_file ------------------------------------------------------------------


def _file_route(
    app: Vial, view: t.Callable[[], ResponseReturnValue], rule: str = "/file"
) -> None:
    app.add_url_rule(rule, view.__name__, view)


def test_send_file_path_relative_to_root_path(app: Vial, client: VialClient) -> None:
    def file() -> ResponseReturnValue:
        return send_file("static/index.html")

    _file_route(app, file)
    rv = client.get("/file")
    assert rv.status_code == 200
    assert rv.data == (STATIC / "index.html").read_bytes()
    assert rv.mimetype == "text/html"
    assert rv.content_length == len(rv.data)
    assert rv.headers["Content-Disposition"] == "inline; filename=index.html"
    assert rv.headers["ETag"]
    assert rv.last_modified is not None
    assert rv.headers["Cache-Control"] == "no-cache"
    assert rv.headers["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize("as_path", [False, True])
def test_send_file_absolute_path(app: Vial, client: VialClient, as_path: bool) -> None:
    target = STATIC / "css" / "site.css"

    def file() -> ResponseReturnValue:
        return send_file(target if as_path else str(target))

    _file_route(app, file)
    rv = client.get("/file")
    assert rv.data == target.read_bytes()
    assert rv.mimetype == "text/css"


def test_send_file_missing_path_raises(app: Vial) -> None:
    with app.test_request_context(), pytest.raises(FileNotFoundError):
        send_file("static/missing.txt")


def test_send_file_bytes_io(app: Vial, client: VialClient) -> None:
    def file() -> ResponseReturnValue:
        return send_file(io.BytesIO(b"\x00\x01binary"), mimetype="application/x-test")

    _file_route(app, file)
    rv = client.get("/file")
    assert rv.data == b"\x00\x01binary"
    assert rv.mimetype == "application/x-test"
    assert rv.content_length == 8
    # A file object has no name, date or stable identity to build these from.
    assert "Content-Disposition" not in rv.headers
    assert "ETag" not in rv.headers
    assert "Last-Modified" not in rv.headers


def test_send_file_object_mimetype_from_download_name(
    app: Vial, client: VialClient
) -> None:
    def file() -> ResponseReturnValue:
        return send_file(io.BytesIO(b"a,b\n"), download_name="table.csv")

    _file_route(app, file)
    rv = client.get("/file")
    assert rv.mimetype == "text/csv"
    assert rv.headers["Content-Disposition"] == "inline; filename=table.csv"


def test_send_file_object_without_type_information(app: Vial) -> None:
    with app.test_request_context(), pytest.raises(TypeError) as exc_info:
        send_file(io.BytesIO(b"data"))
    assert "mimetype" in str(exc_info.value)


def test_send_file_text_file_gives_clear_error(
    app: Vial, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("text")
    with app.test_request_context():
        with pytest.raises(ValueError, match=r"text mode.*'rb'"):
            send_file(io.StringIO("text"), mimetype="text/plain")  # type: ignore[arg-type]
        with open(path) as f, pytest.raises(ValueError, match=r"text mode.*'rb'"):
            send_file(f, mimetype="text/plain")  # type: ignore[arg-type]


def test_send_file_real_binary_file_is_closed(
    app: Vial, client: VialClient, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"payload")
    opened: list[t.BinaryIO] = []

    def file() -> ResponseReturnValue:
        f = open(path, "rb")  # noqa: SIM115 - send_file closes it
        opened.append(f)
        return send_file(f, mimetype="application/octet-stream")

    _file_route(app, file)
    assert client.get("/file").data == b"payload"
    assert opened[0].closed


def test_send_file_as_attachment(app: Vial, client: VialClient) -> None:
    def file() -> ResponseReturnValue:
        return send_file(
            "static/alphabet.txt", as_attachment=True, download_name="letters.txt"
        )

    _file_route(app, file)
    rv = client.get("/file")
    assert rv.headers["Content-Disposition"] == "attachment; filename=letters.txt"
    assert rv.data == ALPHABET


def test_send_file_non_ascii_download_name(app: Vial, client: VialClient) -> None:
    def file() -> ResponseReturnValue:
        return send_file(
            io.BytesIO(b"x"), as_attachment=True, download_name="Résumé 2024.pdf"
        )

    _file_route(app, file)
    rv = client.get("/file")
    assert rv.mimetype == "application/pdf"
    # An ASCII fallback for old clients, and the exact name per RFC 5987.
    assert rv.headers["Content-Disposition"] == (
        'attachment; filename="Resume 2024.pdf";'
        " filename*=UTF-8''R%C3%A9sum%C3%A9%202024.pdf"
    )


def test_send_file_explicit_mimetype_wins(app: Vial, client: VialClient) -> None:
    def file() -> ResponseReturnValue:
        return send_file("static/alphabet.txt", mimetype="application/x-letters")

    _file_route(app, file)
    assert client.get("/file").mimetype == "application/x-letters"


def test_send_file_etag_if_none_match(app: Vial, client: VialClient) -> None:
    def file() -> ResponseReturnValue:
        return send_file("static/alphabet.txt")

    _file_route(app, file)
    etag = client.get("/file").headers["ETag"]
    rv = client.get("/file", headers={"If-None-Match": etag})
    assert rv.status_code == 304
    assert rv.data == b""
    assert rv.headers["ETag"] == etag
    rv = client.get("/file", headers={"If-None-Match": '"something-else"'})
    assert rv.status_code == 200
    assert rv.data == ALPHABET


def test_send_file_if_modified_since(app: Vial, client: VialClient) -> None:
    def file() -> ResponseReturnValue:
        return send_file("static/alphabet.txt")

    _file_route(app, file)
    mtime = (STATIC / "alphabet.txt").stat().st_mtime
    later = http_date(mtime + 3600)
    earlier = http_date(mtime - 3600)
    assert client.get("/file", headers={"If-Modified-Since": later}).status_code == 304
    rv = client.get("/file", headers={"If-Modified-Since": earlier})
    assert rv.status_code == 200
    assert rv.data == ALPHABET


def test_send_file_range(app: Vial, client: VialClient) -> None:
    def file() -> ResponseReturnValue:
        return send_file("static/alphabet.txt")

    _file_route(app, file)
    rv = client.get("/file", headers={"Range": "bytes=2-5"})
    assert rv.status_code == 206
    assert rv.data == b"cdef"
    assert rv.headers["Content-Range"] == f"bytes 2-5/{len(ALPHABET)}"
    assert rv.content_length == 4

    rv = client.get("/file", headers={"Range": "bytes=-3"})
    assert rv.status_code == 206
    assert rv.data == b"yz\n"


def test_send_file_unsatisfiable_range(app: Vial, client: VialClient) -> None:
    def file() -> ResponseReturnValue:
        return send_file("static/alphabet.txt")

    _file_route(app, file)
    rv = client.get("/file", headers={"Range": "bytes=1000-2000"})
    assert rv.status_code == 416
    assert rv.headers["Content-Range"] == f"bytes */{len(ALPHABET)}"


def test_send_file_if_range_with_stale_etag_sends_everything(
    app: Vial, client: VialClient
) -> None:
    def file() -> ResponseReturnValue:
        return send_file("static/alphabet.txt")

    _file_route(app, file)
    rv = client.get("/file", headers={"Range": "bytes=0-1", "If-Range": '"old"'})
    assert rv.status_code == 200
    assert rv.data == ALPHABET


def test_send_file_not_conditional(app: Vial, client: VialClient) -> None:
    def file() -> ResponseReturnValue:
        return send_file("static/alphabet.txt", conditional=False)

    _file_route(app, file)
    rv = client.get("/file", headers={"Range": "bytes=0-1"})
    assert rv.status_code == 200
    assert rv.data == ALPHABET
    etag = rv.headers["ETag"]
    assert client.get("/file", headers={"If-None-Match": etag}).status_code == 200


def test_send_file_max_age(app: Vial, client: VialClient) -> None:
    def file() -> ResponseReturnValue:
        return send_file("static/alphabet.txt", max_age=120)

    _file_route(app, file)
    rv = client.get("/file")
    assert rv.cache_control.public
    assert rv.cache_control.max_age == 120
    assert rv.expires is not None


def test_send_file_max_age_callable(app: Vial, client: VialClient) -> None:
    seen: list[str | None] = []

    def max_age(path: str | None) -> int:
        seen.append(path)
        return 30

    def file() -> ResponseReturnValue:
        return send_file("static/alphabet.txt", max_age=max_age)

    _file_route(app, file)
    assert client.get("/file").cache_control.max_age == 30
    assert seen == [os.path.join(app.root_path, "static", "alphabet.txt")]


@pytest.mark.parametrize(
    ("value", "expected"), [(3600, 3600), (timedelta(minutes=5), 300)]
)
def test_send_file_max_age_from_config(
    app: Vial, client: VialClient, value: int | timedelta, expected: int
) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = value

    def file() -> ResponseReturnValue:
        return send_file("static/alphabet.txt")

    _file_route(app, file)
    rv = client.get("/file")
    assert rv.cache_control.max_age == expected
    assert not rv.cache_control.no_cache


def test_send_file_uses_the_apps_get_send_file_max_age() -> None:
    class ShortCacheApp(Vial):
        def get_send_file_max_age(self, filename: str | None) -> int | None:
            if filename is not None and filename.endswith(".css"):
                return 10
            return super().get_send_file_max_age(filename)

    app = ShortCacheApp(__name__, root_path=str(HERE))

    @app.get("/file/<path:name>")
    def file(name: str) -> ResponseReturnValue:
        return send_file(f"static/{name}")

    client = app.test_client()
    assert client.get("/file/css/site.css", buffered=True).cache_control.max_age == 10
    assert client.get("/file/alphabet.txt", buffered=True).cache_control.max_age is None


def test_send_file_last_modified(app: Vial, client: VialClient) -> None:
    stamp = datetime(2021, 3, 4, 5, 6, 7, tzinfo=timezone.utc)

    def file() -> ResponseReturnValue:
        return send_file(io.BytesIO(b"x"), mimetype="text/plain", last_modified=stamp)

    _file_route(app, file)
    rv = client.get("/file")
    assert rv.last_modified == stamp
    rv = client.get("/file", headers={"If-Modified-Since": http_date(stamp)})
    assert rv.status_code == 304


def test_send_file_custom_etag(app: Vial, client: VialClient) -> None:
    def file() -> ResponseReturnValue:
        return send_file("static/alphabet.txt", etag="v42")

    def no_etag() -> ResponseReturnValue:
        return send_file("static/alphabet.txt", etag=False)

    _file_route(app, file)
    _file_route(app, no_etag, "/no-etag")
    rv = client.get("/file")
    assert rv.headers["ETag"] == '"v42"'
    assert client.get("/file", headers={"If-None-Match": '"v42"'}).status_code == 304
    assert "ETag" not in client.get("/no-etag").headers


def test_send_file_x_sendfile(app: Vial, client: VialClient) -> None:
    app.config["USE_X_SENDFILE"] = True

    def file() -> ResponseReturnValue:
        return send_file("static/alphabet.txt")

    _file_route(app, file)
    rv = client.get("/file")
    assert rv.status_code == 200
    assert rv.data == b""
    assert rv.headers["X-Sendfile"] == str(STATIC / "alphabet.txt")
    assert rv.mimetype == "text/plain"


def test_send_file_head_request(app: Vial, client: VialClient) -> None:
    def file() -> ResponseReturnValue:
        return send_file("static/alphabet.txt")

    _file_route(app, file)
    rv = client.head("/file")
    assert rv.status_code == 200
    assert rv.data == b""
    assert rv.content_length == len(ALPHABET)


# -- send_from_directory ----------------------------------------------------------


def test_send_from_directory(app: Vial, client: VialClient) -> None:
    @app.get("/files/<path:name>")
    def files(name: str) -> ResponseReturnValue:
        return send_from_directory("static", name)

    assert client.get("/files/alphabet.txt").data == ALPHABET
    rv = client.get("/files/css/site.css")
    assert rv.data == (STATIC / "css" / "site.css").read_bytes()
    assert rv.mimetype == "text/css"
    assert client.get("/files/missing.txt").status_code == 404
    # A folder is not a file.
    assert client.get("/files/css").status_code == 404


def test_send_from_directory_passes_options(app: Vial, client: VialClient) -> None:
    @app.get("/download")
    def download() -> ResponseReturnValue:
        return send_from_directory(
            STATIC, "alphabet.txt", as_attachment=True, max_age=5
        )

    rv = client.get("/download")
    assert rv.headers["Content-Disposition"] == "attachment; filename=alphabet.txt"
    assert rv.cache_control.max_age == 5


@pytest.mark.parametrize(
    "name",
    [
        "../conftest.py",
        "css/../../conftest.py",
        str(HERE / "conftest.py"),
        "/etc/passwd",
        "..\\conftest.py",
        "alphabet.txt\x00.png",
        "\x00",
        "",
        ".",
        "..",
    ],
)
def test_send_from_directory_never_leaves_the_directory(app: Vial, name: str) -> None:
    with app.test_request_context(), pytest.raises(NotFound):
        send_from_directory("static", name)


@pytest.mark.parametrize(
    "url",
    [
        "/files/../conftest.py",
        "/files/%2e%2e/conftest.py",
        "/files/%2E%2E%2Fconftest.py",
        "/files/..%2fconftest.py",
        "/files/css/%2e%2e/%2e%2e/conftest.py",
        "/files/..%5cconftest.py",
        "/files/alphabet.txt%00",
        "/files/%00",
        "/files/%2fetc%2fpasswd",
    ],
)
def test_send_from_directory_traversal_urls_are_404(
    app: Vial, client: VialClient, url: str
) -> None:
    @app.get("/files/<path:name>")
    def files(name: str) -> ResponseReturnValue:
        return send_from_directory("static", name)

    rv = client.get(url, follow_redirects=True)
    assert rv.status_code == 404


def test_send_from_directory_refuses_symlinks_leading_outside(
    tmp_path: pathlib.Path,
) -> None:
    public = tmp_path / "public"
    public.mkdir()
    (public / "real.txt").write_text("public")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (public / "escape.txt").symlink_to(secret)
    (public / "alias.txt").symlink_to(public / "real.txt")
    (public / "outside").symlink_to(tmp_path, target_is_directory=True)

    app = Vial(__name__, root_path=str(tmp_path))

    @app.get("/files/<path:name>")
    def files(name: str) -> ResponseReturnValue:
        return send_from_directory("public", name)

    client = app.test_client()
    assert client.get("/files/real.txt", buffered=True).text == "public"
    # A link that stays inside the folder is fine.
    assert client.get("/files/alias.txt", buffered=True).text == "public"
    assert client.get("/files/escape.txt").status_code == 404
    assert client.get("/files/outside/secret.txt").status_code == 404


def test_send_from_directory_through_a_linked_folder(tmp_path: pathlib.Path) -> None:
    # The folder itself may be a link: files are checked against where it
    # points.
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.txt").write_text("a")
    (tmp_path / "linked").symlink_to(real, target_is_directory=True)
    app = Vial(__name__, root_path=str(tmp_path))

    with app.test_request_context():
        rv = send_from_directory("linked", "a.txt")
        rv.direct_passthrough = False
        assert rv.get_data() == b"a"
        rv.close()


# -- stream_with_context --------------------------------------------------------


def test_stream_with_context_wrapping_a_generator(
    app: Vial, client: VialClient
) -> None:
    @app.get("/")
    def index() -> ResponseReturnValue:
        def generate() -> t.Iterator[str]:
            yield "Hello "
            yield request.args["name"]
            yield "!"

        return stream_with_context(generate())

    rv = client.get("/?name=World", buffered=False)
    try:
        assert rv.data == b"Hello World!"
    finally:
        rv.close()


def test_stream_with_context_as_decorator(app: Vial, client: VialClient) -> None:
    closed: list[bool] = []

    @app.get("/")
    def index() -> ResponseReturnValue:
        @stream_with_context
        def generate(greeting: str) -> t.Iterator[str]:
            try:
                yield greeting
                yield request.args["name"]
                yield str(session.get("visits", 0))
            finally:
                closed.append(True)

        return generate("Hi ")

    with client.session_transaction() as sess:
        sess["visits"] = 3
    rv = client.get("/?name=Ann", buffered=False)
    try:
        assert rv.data == b"Hi Ann3"
    finally:
        rv.close()
    assert closed == [True]


def test_stream_with_context_without_a_request(app: Vial) -> None:
    def generate() -> t.Iterator[str]:
        yield "x"

    with app.app_context(), pytest.raises(RuntimeError, match="inside the view"):
        stream_with_context(generate())


def _count_teardowns(app: Vial) -> list[str]:
    events: list[str] = []
    app.teardown_request(lambda exc: events.append("request"))
    app.teardown_appcontext(lambda exc: events.append("app"))
    return events


def test_stream_with_context_tears_down_once_after_the_body(
    app: Vial, client: VialClient
) -> None:
    events = _count_teardowns(app)

    @app.get("/")
    def index() -> ResponseReturnValue:
        @stream_with_context
        def generate() -> t.Iterator[str]:
            events.append("chunk")
            yield request.path

        return generate()

    rv = client.get("/", buffered=False)
    # The request has ended (the client read the first chunk), but its
    # teardown waits for the body.
    assert "request" not in events
    try:
        assert rv.data == b"/"
    finally:
        rv.close()
    assert events == ["chunk", "request", "app"]
    assert not has_request_context()
    assert not has_app_context()


def test_stream_with_context_closed_unread_tears_down_once(app: Vial) -> None:
    events = _count_teardowns(app)

    def generate() -> t.Iterator[str]:
        events.append("chunk")
        yield "never read"

    with app.test_request_context():
        stream = stream_with_context(generate())
    # The request has ended; its teardown waits for the stream.
    assert events == []
    stream.close()  # type: ignore[attr-defined]
    assert events == ["request", "app"]
    assert not has_request_context()
    assert not has_app_context()


def test_stream_with_context_closed_midway_tears_down_once(
    app: Vial, client: VialClient
) -> None:
    events = _count_teardowns(app)
    closed: list[bool] = []

    @app.get("/")
    def index() -> ResponseReturnValue:
        @stream_with_context
        def generate() -> t.Iterator[str]:
            try:
                yield "one"
                yield "two"
            finally:
                closed.append(has_request_context())

        return generate()

    rv = client.get("/", buffered=False)
    assert next(iter(rv.response)) == b"one"
    rv.close()
    # The generator's own cleanup still saw the request.
    assert closed == [True]
    assert events == ["request", "app"]
    assert not has_request_context()


def test_stream_with_context_from_an_async_view(app: Vial, client: VialClient) -> None:
    pytest.importorskip("asgiref")
    events = _count_teardowns(app)

    @app.get("/")
    async def index() -> ResponseReturnValue:
        session["who"] = "ann"

        @stream_with_context
        def generate() -> t.Iterator[str]:
            yield session["who"] + request.path

        return generate()

    # Closed unread, then read: neither leaves a context pushed.
    client.get("/", buffered=False).close()
    assert not has_request_context()
    rv = client.get("/", buffered=False)
    try:
        assert rv.data == b"ann/"
    finally:
        rv.close()
    assert not has_request_context()
    assert not has_app_context()
    assert events == ["request", "app"] * 2


def test_stream_with_context_with_a_kept_context(app: Vial) -> None:
    events = _count_teardowns(app)

    @app.get("/")
    def index() -> ResponseReturnValue:
        return stream_with_context(iter([request.path]))

    with app.test_client() as client:
        rv = client.get("/")
        assert rv.data == b"/"
        # The context the client keeps is still there, not torn down.
        assert request.path == "/"
        assert events == []
    assert events == ["request", "app"]


# -- environment variables of the command line ----------------------------------


def test_setenv_uses_the_prefix_of_the_code_being_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from vial import helpers

    monkeypatch.delenv("VIAL_RUN_FROM_CLI", raising=False)
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    monkeypatch.setattr(helpers, "ENV_PREFIXES", ["VIAL"])
    helpers._setenv("RUN_FROM_CLI", "true")
    assert os.environ["VIAL_RUN_FROM_CLI"] == "true"
    assert "FLASK_RUN_FROM_CLI" not in os.environ

    # With the Flask switch on, Flask's name is set, and vial's too where it
    # is set already, so both readers agree.
    monkeypatch.setattr(helpers, "ENV_PREFIXES", ["VIAL", "FLASK"])
    helpers._setenv("RUN_FROM_CLI", "false")
    assert os.environ["FLASK_RUN_FROM_CLI"] == "false"
    assert os.environ["VIAL_RUN_FROM_CLI"] == "false"
    assert helpers._getenv("RUN_FROM_CLI") == "false"
    monkeypatch.delenv("VIAL_RUN_FROM_CLI")
    monkeypatch.delenv("FLASK_RUN_FROM_CLI")
    helpers._setenv("RUN_FROM_CLI", "true")
    assert "VIAL_RUN_FROM_CLI" not in os.environ
    assert os.environ["FLASK_RUN_FROM_CLI"] == "true"


def test_env_names_in_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    from vial import helpers

    monkeypatch.setattr(helpers, "ENV_PREFIXES", ["VIAL"])
    assert helpers._env_names("APP") == "VIAL_APP"
    monkeypatch.setattr(helpers, "ENV_PREFIXES", ["VIAL", "FLASK"])
    assert helpers._env_names("DEBUG", "=1") == "FLASK_DEBUG=1 (or VIAL_DEBUG=1)"
