from __future__ import annotations

import functools
import typing as t

import pytest

from vial import request
from vial import Vial
from vial.testing import VialClient
from vial.typing import ResponseReturnValue
from vial.views import MethodView
from vial.views import View


def _allow(rv: t.Any) -> set[str]:
    return {m.strip() for m in rv.headers["Allow"].split(",")}


def test_view_dispatch_and_class_args(app: Vial, client: VialClient) -> None:
    class Greet(View):
        def __init__(self, greeting: str, punctuation: str = ".") -> None:
            self.greeting = greeting
            self.punctuation = punctuation

        def dispatch_request(self, name: str) -> ResponseReturnValue:  # type: ignore[override]
            return f"{self.greeting}, {name}{self.punctuation}"

    app.add_url_rule(
        "/greet/<name>", view_func=Greet.as_view("greet", "Hello", punctuation="!")
    )
    assert client.get("/greet/Ann").text == "Hello, Ann!"


def test_as_view_attributes() -> None:
    class Documented(View):
        """Documented view."""

        methods = ["GET", "POST"]
        provide_automatic_options = False

        def dispatch_request(self) -> ResponseReturnValue:
            return ""

    view = Documented.as_view("documented")
    assert view.view_class is Documented  # type: ignore[union-attr]
    assert view.__name__ == "documented"
    assert view.__doc__ == "Documented view."
    assert view.__module__ == __name__
    assert view.methods == ["GET", "POST"]  # type: ignore[union-attr]
    assert view.provide_automatic_options is False  # type: ignore[union-attr]


def test_view_methods(app: Vial, client: VialClient) -> None:
    class GetOnly(View):
        def dispatch_request(self) -> ResponseReturnValue:
            return request.method

    class GetAndPost(View):
        methods = ["GET", "POST"]

        def dispatch_request(self) -> ResponseReturnValue:
            return request.method

    app.add_url_rule("/get", view_func=GetOnly.as_view("get_only"))
    app.add_url_rule("/both", view_func=GetAndPost.as_view("both"))

    assert client.get("/get").text == "GET"
    assert client.post("/get").status_code == 405
    assert client.get("/both").text == "GET"
    assert client.post("/both").text == "POST"
    assert _allow(client.options("/both")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_provide_automatic_options_false(app: Vial, client: VialClient) -> None:
    class NoOptions(View):
        provide_automatic_options = False

        def dispatch_request(self) -> ResponseReturnValue:
            return "ok"

    app.add_url_rule("/", view_func=NoOptions.as_view("index"))
    assert client.options("/").status_code == 405


def test_base_view_must_implement_dispatch() -> None:
    with pytest.raises(NotImplementedError, match="dispatch_request"):
        View().dispatch_request()


def test_init_every_request(app: Vial, client: VialClient) -> None:
    created: list[object] = []

    class PerRequest(View):
        def __init__(self) -> None:
            created.append(self)

        def dispatch_request(self) -> ResponseReturnValue:
            return str(id(self))

    view = PerRequest.as_view("per_request")
    assert created == []
    app.add_url_rule("/", view_func=view)

    first = client.get("/").text
    second = client.get("/").text
    assert len(created) == 2
    assert created[0] is not created[1]
    assert [first, second] == [str(id(obj)) for obj in created]


def test_init_once(app: Vial, client: VialClient) -> None:
    created: list[object] = []

    class Shared(View):
        init_every_request = False

        def __init__(self, prefix: str) -> None:
            self.prefix = prefix
            self.count = 0
            created.append(self)

        def dispatch_request(self) -> ResponseReturnValue:
            self.count += 1
            return f"{self.prefix}{self.count}"

    view = Shared.as_view("shared", "n=")
    # The single instance exists as soon as the view function does.
    assert len(created) == 1
    app.add_url_rule("/", view_func=view)

    assert client.get("/").text == "n=1"
    assert client.get("/").text == "n=2"
    assert len(created) == 1


def test_decorators_applied_in_order(app: Vial, client: VialClient) -> None:
    calls: list[str] = []
    seen_names: list[str] = []

    def tag(label: str) -> t.Callable[[t.Callable[..., t.Any]], t.Callable[..., t.Any]]:
        def decorator(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
            seen_names.append(f.__name__)

            @functools.wraps(f)
            def wrapper(**kwargs: t.Any) -> t.Any:
                calls.append(label)
                return f(**kwargs)

            return wrapper

        return decorator

    class Decorated(View):
        decorators = [tag("inner"), tag("outer")]

        def dispatch_request(self) -> ResponseReturnValue:
            calls.append("view")
            return "ok"

    view = Decorated.as_view("decorated")
    # Decorators see the final name, so functools.wraps keeps it.
    assert seen_names == ["decorated", "decorated"]
    assert view.__name__ == "decorated"
    assert view.view_class is Decorated  # type: ignore[union-attr]

    app.add_url_rule("/", view_func=view)
    assert client.get("/").text == "ok"
    # The last decorator listed is the outermost, so it runs first.
    assert calls == ["outer", "inner", "view"]


def test_decorator_can_short_circuit(app: Vial, client: VialClient) -> None:
    def deny(f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        def wrapper(**kwargs: t.Any) -> t.Any:
            if request.args.get("key") != "secret":
                return "denied", 403
            return f(**kwargs)

        return wrapper

    class Protected(View):
        decorators = [deny]

        def dispatch_request(self) -> ResponseReturnValue:
            return "granted"

    app.add_url_rule("/", view_func=Protected.as_view("protected"))
    assert client.get("/").status_code == 403
    assert client.get("/?key=secret").text == "granted"


def test_async_view(app: Vial, client: VialClient) -> None:
    class AsyncView(View):
        init_every_request = False

        async def dispatch_request(self) -> ResponseReturnValue:  # type: ignore[override]
            return "async"

    app.add_url_rule("/", view_func=AsyncView.as_view("async_view"))
    assert client.get("/").text == "async"


# MethodView


class ItemAPI(MethodView):
    def get(self, item_id: int) -> ResponseReturnValue:
        return f"get {item_id}", {"X-Item": str(item_id)}

    def post(self, item_id: int) -> ResponseReturnValue:
        return f"post {item_id} {request.form['name']}"


def test_method_view_methods_collected() -> None:
    assert ItemAPI.methods == {"GET", "POST"}

    class Empty(MethodView):
        def helper(self) -> None: ...

    assert Empty.methods is None


def test_method_view_dispatch(app: Vial, client: VialClient) -> None:
    app.add_url_rule("/items/<int:item_id>", view_func=ItemAPI.as_view("item"))

    rv = client.get("/items/3")
    assert rv.text == "get 3"
    assert rv.headers["X-Item"] == "3"
    assert client.post("/items/4", data={"name": "pen"}).text == "post 4 pen"
    assert client.get("/items/nope").status_code == 404


def test_method_view_missing_method_is_405(app: Vial, client: VialClient) -> None:
    app.add_url_rule("/items/<int:item_id>", view_func=ItemAPI.as_view("item"))

    rv = client.delete("/items/1")
    assert rv.status_code == 405
    assert _allow(rv) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert client.put("/items/1").status_code == 405


def test_method_view_head_falls_back_to_get(app: Vial, client: VialClient) -> None:
    app.add_url_rule("/items/<int:item_id>", view_func=ItemAPI.as_view("item"))

    rv = client.head("/items/5")
    assert rv.status_code == 200
    assert rv.data == b""
    assert rv.headers["X-Item"] == "5"
    assert rv.headers["Content-Length"] == str(len("get 5"))


def test_method_view_explicit_head(app: Vial, client: VialClient) -> None:
    class WithHead(MethodView):
        def get(self) -> ResponseReturnValue:
            return "body"

        def head(self) -> ResponseReturnValue:
            return "", {"X-Head": "own"}

    app.add_url_rule("/", view_func=WithHead.as_view("with_head"))
    assert WithHead.methods == {"GET", "HEAD"}
    assert client.head("/").headers["X-Head"] == "own"
    assert "X-Head" not in client.get("/").headers


def test_method_view_inheritance(app: Vial, client: VialClient) -> None:
    class Base(MethodView):
        def get(self) -> ResponseReturnValue:
            return "base get"

        def delete(self) -> ResponseReturnValue:
            return "base delete"

    class Child(Base):
        def get(self) -> ResponseReturnValue:
            return "child get"

        def put(self) -> ResponseReturnValue:
            return "child put"

    assert Base.methods == {"GET", "DELETE"}
    assert Child.methods == {"GET", "DELETE", "PUT"}

    app.add_url_rule("/", view_func=Child.as_view("child"))
    assert client.get("/").text == "child get"
    assert client.put("/").text == "child put"
    assert client.delete("/").text == "base delete"
    assert client.post("/").status_code == 405


def test_method_view_mixin_methods(app: Vial, client: VialClient) -> None:
    class PatchMixin:
        def patch(self) -> ResponseReturnValue:
            return "patched"

    class Resource(PatchMixin, MethodView):
        def get(self) -> ResponseReturnValue:
            return "got"

    assert Resource.methods == {"GET", "PATCH"}
    app.add_url_rule("/", view_func=Resource.as_view("resource"))
    assert client.patch("/").text == "patched"


def test_method_view_explicit_methods_kept(app: Vial, client: VialClient) -> None:
    class Restricted(MethodView):
        methods = ["GET"]

        def get(self) -> ResponseReturnValue:
            return "got"

        def post(self) -> ResponseReturnValue:
            return "posted"

    class Extended(Restricted):
        def delete(self) -> ResponseReturnValue:
            return "deleted"

    assert Restricted.methods == ["GET"]
    # Inherits the base's methods and adds every handler it can reach.
    assert set(Extended.methods or ()) == {"GET", "POST", "DELETE"}

    app.add_url_rule("/", view_func=Restricted.as_view("restricted"))
    assert client.post("/").status_code == 405


def test_method_view_unimplemented_listed_method(app: Vial, client: VialClient) -> None:
    class Incomplete(MethodView):
        methods = ["GET", "DELETE"]

        def get(self) -> ResponseReturnValue:
            return "got"

    app.add_url_rule("/", view_func=Incomplete.as_view("incomplete"))

    with pytest.raises(AssertionError, match="does not implement the 'DELETE'"):
        client.delete("/")


def test_method_view_async_methods(app: Vial, client: VialClient) -> None:
    class AsyncAPI(MethodView):
        async def get(self) -> ResponseReturnValue:
            return "async get"

        async def post(self) -> ResponseReturnValue:
            return f"async post {request.form['x']}"

    app.add_url_rule("/", view_func=AsyncAPI.as_view("async_api"))
    assert client.get("/").text == "async get"
    assert client.post("/", data={"x": "1"}).text == "async post 1"
    assert client.head("/").status_code == 200


def test_method_view_init_once(app: Vial, client: VialClient) -> None:
    class Counter(MethodView):
        init_every_request = False

        def __init__(self) -> None:
            self.hits = 0

        def get(self) -> ResponseReturnValue:
            self.hits += 1
            return str(self.hits)

    app.add_url_rule("/", view_func=Counter.as_view("counter"))
    assert [client.get("/").text for _ in range(3)] == ["1", "2", "3"]


def test_method_view_on_blueprint_with_url_defaults(
    app: Vial, client: VialClient
) -> None:
    from vial import Blueprint
    from vial import url_for

    bp = Blueprint("api", __name__, url_prefix="/api")

    class UserAPI(MethodView):
        def get(self, user_id: int | None) -> ResponseReturnValue:
            if user_id is None:
                return "list"
            return f"user {user_id}"

    view = UserAPI.as_view("users")
    bp.add_url_rule("/users/", defaults={"user_id": None}, view_func=view)
    bp.add_url_rule("/users/<int:user_id>", view_func=view)
    app.register_blueprint(bp)

    assert client.get("/api/users/").text == "list"
    assert client.get("/api/users/7").text == "user 7"

    with app.test_request_context():
        assert url_for("api.users", user_id=7) == "/api/users/7"
