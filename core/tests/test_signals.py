from __future__ import annotations

import typing as t
from contextlib import ExitStack

import blinker
import pytest

from vial import flash
from vial import render_template_string
from vial import Response
from vial import signals
from vial import Vial
from vial.testing import VialClient

Recorded = list[tuple[str, object, dict[str, t.Any]]]

_ALL = [
    "appcontext_pushed",
    "request_started",
    "before_render_template",
    "template_rendered",
    "message_flashed",
    "got_request_exception",
    "request_finished",
    "request_tearing_down",
    "appcontext_tearing_down",
    "appcontext_popped",
]


def _record(stack: ExitStack, recorded: Recorded, sender: object) -> None:
    """Connect a recorder to every core signal for ``sender``."""
    for name in _ALL:
        signal: blinker.Signal = getattr(signals, name)

        def receiver(sender: object, _name: str = name, **kwargs: t.Any) -> None:
            recorded.append((_name, sender, kwargs))

        stack.enter_context(signal.connected_to(receiver, sender))


def test_signals_are_blinker_signals_in_their_own_namespace() -> None:
    import vial

    for name in _ALL:
        signal = getattr(signals, name)
        assert isinstance(signal, blinker.NamedSignal)
        assert getattr(vial, name) is signal
    assert signals.request_started.name == "request-started"
    assert signals.request_started is not blinker.signal("request-started")


def test_signals_of_a_request_in_order(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> str:
        flash("saved", "info")
        return render_template_string("{{ value }}", value="rendered")

    recorded: Recorded = []
    with ExitStack() as stack:
        _record(stack, recorded, app)
        rv = client.get("/")
    assert rv.text == "rendered"
    assert [name for name, _, _ in recorded] == [
        "appcontext_pushed",
        "request_started",
        "message_flashed",
        "before_render_template",
        "template_rendered",
        "request_finished",
        "request_tearing_down",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]
    assert all(sender is app for _, sender, _ in recorded)
    kwargs = {name: kw for name, _, kw in recorded}
    assert kwargs["appcontext_pushed"] == {}
    assert kwargs["request_started"] == {}
    assert kwargs["message_flashed"] == {"message": "saved", "category": "info"}
    assert kwargs["before_render_template"]["context"]["value"] == "rendered"
    assert kwargs["template_rendered"]["template"].render(value="x") == "x"
    assert isinstance(kwargs["request_finished"]["response"], Response)
    assert kwargs["request_tearing_down"] == {"exc": None}
    assert kwargs["appcontext_tearing_down"] == {"exc": None}
    assert kwargs["appcontext_popped"] == {}


def test_signals_of_a_failing_request(app: Vial, client: VialClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError("boom")

    recorded: Recorded = []
    with ExitStack() as stack:
        _record(stack, recorded, app)
        assert client.get("/").status_code == 500
    names = [name for name, _, _ in recorded]
    assert names == [
        "appcontext_pushed",
        "request_started",
        "got_request_exception",
        "request_finished",
        "request_tearing_down",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]
    kwargs = {name: kw for name, _, kw in recorded}
    assert isinstance(kwargs["got_request_exception"]["exception"], ZeroDivisionError)
    assert kwargs["request_finished"]["response"].status_code == 500
    assert isinstance(kwargs["request_tearing_down"]["exc"], ZeroDivisionError)
    assert isinstance(kwargs["appcontext_tearing_down"]["exc"], ZeroDivisionError)


def test_handled_exception_sends_no_got_request_exception(
    app: Vial, client: VialClient
) -> None:
    @app.errorhandler(KeyError)
    def handle(e: KeyError) -> str:
        return "handled"

    @app.route("/")
    def index() -> str:
        raise KeyError()

    recorded: list[object] = []
    with signals.got_request_exception.connected_to(
        lambda sender, **kw: recorded.append(kw), app
    ):
        assert client.get("/").text == "handled"
    assert recorded == []


def test_request_finished_sees_final_response(app: Vial, client: VialClient) -> None:
    @app.after_request
    def mark(response: Response) -> Response:
        response.headers["X-After"] = "1"
        return response

    @app.route("/")
    def index() -> str:
        return "ok"

    responses: list[Response] = []

    def receiver(sender: object, response: Response, **extra: t.Any) -> None:
        responses.append(response)

    with signals.request_finished.connected_to(receiver, app):
        client.get("/")
    assert responses[0].headers["X-After"] == "1"


def test_appcontext_signals_outside_requests(app: Vial) -> None:
    recorded: Recorded = []
    with ExitStack() as stack:
        _record(stack, recorded, app)
        with app.app_context():
            assert [name for name, _, _ in recorded] == ["appcontext_pushed"]
    assert [name for name, _, _ in recorded] == [
        "appcontext_pushed",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]


def test_appcontext_tearing_down_gets_exception(app: Vial) -> None:
    errors: list[BaseException | None] = []

    def receiver(sender: object, exc: BaseException | None, **extra: t.Any) -> None:
        errors.append(exc)

    with (
        signals.appcontext_tearing_down.connected_to(receiver, app),
        pytest.raises(ValueError, match="inside"),
        app.app_context(),
    ):
        raise ValueError("inside")
    assert isinstance(errors[0], ValueError)


def test_appcontext_pushed_can_set_g(app: Vial, client: VialClient) -> None:
    from vial import g

    def receiver(sender: Vial, **extra: t.Any) -> None:
        g.user = "from signal"

    @app.route("/")
    def index() -> str:
        return t.cast(str, g.user)

    with signals.appcontext_pushed.connected_to(receiver, app):
        assert client.get("/").text == "from signal"


def test_receivers_for_another_app_are_not_called(app: Vial) -> None:
    other = Vial("other")
    calls: list[object] = []
    with signals.appcontext_pushed.connected_to(
        lambda sender, **kw: calls.append(sender), other
    ):
        with app.app_context():
            pass
        assert calls == []
        with other.app_context():
            pass
    assert calls == [other]


def test_receiver_for_any_sender(app: Vial) -> None:
    calls: list[object] = []

    def receiver(sender: object, **extra: t.Any) -> None:
        calls.append(sender)

    signals.appcontext_popped.connect(receiver)
    try:
        with app.app_context():
            pass
    finally:
        signals.appcontext_popped.disconnect(receiver)
    assert calls == [app]


def test_async_receiver(app: Vial, client: VialClient) -> None:
    calls: list[str] = []

    async def receiver(sender: Vial, **extra: t.Any) -> None:
        calls.append(sender.name)

    @app.route("/")
    def index() -> str:
        return "ok"

    with signals.request_started.connected_to(receiver, app):
        client.get("/")
    assert calls == ["testapp"]


def test_message_flashed(app: Vial) -> None:
    recorded: list[dict[str, t.Any]] = []
    with (
        signals.message_flashed.connected_to(
            lambda sender, **kw: recorded.append(kw), app
        ),
        app.test_request_context(),
    ):
        flash("default category")
        flash("careful", "warning")
    assert recorded == [
        {"message": "default category", "category": "message"},
        {"message": "careful", "category": "warning"},
    ]


def test_template_signals(app: Vial) -> None:
    before: list[dict[str, t.Any]] = []
    after: list[dict[str, t.Any]] = []
    with (
        signals.before_render_template.connected_to(
            lambda sender, **kw: before.append(kw), app
        ),
        signals.template_rendered.connected_to(
            lambda sender, **kw: after.append(kw), app
        ),
        app.app_context(),
    ):
        assert render_template_string("{{ a }}", a=1) == "1"
    assert before[0]["context"]["a"] == 1
    assert after[0]["context"]["a"] == 1
    assert before[0]["template"] is after[0]["template"]
