"""The matcher must answer exactly as werkzeug's does, for every rule kind."""

from __future__ import annotations

import functools
import typing as t
import uuid

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map as WerkzeugMap
from werkzeug.routing import Rule
from werkzeug.routing import Submount

from vial.matching import Map
from vial.matching import StateMachineMatcher


def _rules() -> list[t.Any]:
    return [
        Rule("/", endpoint="index"),
        Rule("/about", endpoint="about"),
        Rule("/docs/", endpoint="docs"),
        Rule("/user/<int:id>", endpoint="user", methods=["GET"]),
        Rule("/user/<int:id>", endpoint="user_update", methods=["POST"]),
        Rule("/user/<username>", endpoint="user_by_name"),
        Rule("/user/<username>/posts/<int:page>", endpoint="posts"),
        Rule("/files/<path:p>", endpoint="file"),
        Rule("/files/<path:p>/edit", endpoint="file_edit"),
        Rule("/tree/<path:p>/", endpoint="tree"),
        Rule("/f/<float:x>", endpoint="float"),
        Rule("/signed/<int(signed=True):n>", endpoint="signed"),
        Rule("/u/<uuid:u>", endpoint="uuid"),
        Rule("/any/<any(red, green, blue):colour>", endpoint="any"),
        Rule("/loose", endpoint="loose", strict_slashes=False),
        Rule("/loose-dir/", endpoint="loose_dir", strict_slashes=False),
        Rule("/page/", defaults={"n": 1}, endpoint="page"),
        Rule("/page/<int:n>", endpoint="page"),
        Rule("/ws", endpoint="ws", websocket=True),
        Rule("/a/<int:x>/<int:y>", endpoint="pair"),
        Rule("/mixed/<int:x>-<slug>", endpoint="mixed"),
        Rule("/len/<string(length=3):code>", endpoint="code"),
        Rule("/minmax/<int(min=2, max=9):n>", endpoint="minmax"),
        Rule("/redirect-me", endpoint="redir", redirect_to="/about"),
        Rule("/nomerge//x", endpoint="nomerge", merge_slashes=False),
        Rule("/only-put", endpoint="put", methods=["PUT"]),
        Rule("/alias-old", endpoint="aliased", alias=True),
        Rule("/alias-new", endpoint="aliased"),
        Submount("/api", [Rule("/v<int:version>/items", endpoint="items")]),
    ]


_SEGMENTS = [
    "",
    "user",
    "1",
    "42",
    "-3",
    "x",
    "files",
    "a",
    "b",
    "docs",
    "page",
    "2.5",
    "..",
    "edit",
    "about",
    "loose",
    "loose-dir",
    "any",
    "red",
    "mauve",
    "u",
    str(uuid.UUID(int=7)),
    "ws",
    "mixed",
    "7-slug",
    "len",
    "abc",
    "abcd",
    "minmax",
    "5",
    "11",
    "signed",
    "redirect-me",
    "nomerge",
    "only-put",
    "api",
    "v2",
    "items",
    "alias-old",
    "alias-new",
    "posts",
    "f",
    "tree",
]


def _outcome(url_map: WerkzeugMap, path: str, method: str, websocket: bool) -> t.Any:
    adapter = url_map.bind(
        "example.com",
        url_scheme="wss" if websocket else "https",
        path_info=path,
        default_method=method,
    )
    try:
        rule, args = adapter.match(return_rule=True)
    except HTTPException as e:
        return (
            type(e).__name__,
            e.code,
            getattr(e, "new_url", None),
            sorted(getattr(e, "valid_methods", None) or ()),
        )
    return ("match", rule.rule, rule.endpoint, args)


@functools.cache
def _maps() -> tuple[WerkzeugMap, Map]:
    # Matching does not change a map, so every test can share these.
    return WerkzeugMap(_rules()), Map(_rules())


_PATHS = [
    "/",
    "/about",
    "/about/",
    "/docs",
    "/docs/",
    "/user/1",
    "/user/bob",
    "/user/bob/",
    "/user/bob/posts/2",
    "/files/a/b/c",
    "/files/a/b/edit",
    "/files/",
    "/tree/a/b",
    "/tree/a/b/",
    "/tree/",
    "/f/2.5",
    "/f/2",
    "/signed/-3",
    "/u/" + str(uuid.UUID(int=7)),
    "/u/not-a-uuid",
    "/any/red",
    "/any/mauve",
    "/loose",
    "/loose/",
    "/loose-dir",
    "/loose-dir/",
    "/page/",
    "/page/1",
    "/page/7",
    "/ws",
    "/a/1/2",
    "/a/1/x",
    "/mixed/7-slug",
    "/len/abc",
    "/len/abcd",
    "/minmax/5",
    "/minmax/11",
    "/redirect-me",
    "/nomerge//x",
    "/nomerge/x",
    "/about//",
    "//about",
    "/user//bob",
    "/only-put",
    "/alias-old",
    "/alias-new",
    "/api/v2/items",
    "/api/v2/items/",
    "/missing",
    "",
]


@pytest.mark.parametrize("path", _PATHS)
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "HEAD"])
@pytest.mark.parametrize("websocket", [False, True])
def test_same_answer_as_werkzeug(path: str, method: str, websocket: bool) -> None:
    theirs, ours = _maps()
    assert _outcome(ours, path, method, websocket) == _outcome(
        theirs, path, method, websocket
    )


@settings(max_examples=300, deadline=None)
@given(
    segments=st.lists(st.sampled_from(_SEGMENTS), max_size=6),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD"]),
    websocket=st.booleans(),
)
def test_same_answer_as_werkzeug_for_any_path(
    segments: list[str], method: str, websocket: bool
) -> None:
    theirs, ours = _maps()
    path = "/" + "/".join(segments)
    assert _outcome(ours, path, method, websocket) == _outcome(
        theirs, path, method, websocket
    )


def test_host_matching_gives_the_same_answers() -> None:
    def rules() -> list[Rule]:
        return [
            Rule("/", host="example.com", endpoint="main"),
            Rule("/", host="<sub>.example.com", endpoint="sub"),
            Rule("/x/<int:n>", host="api.example.com", endpoint="api"),
        ]

    theirs = WerkzeugMap(rules(), host_matching=True)
    ours = Map(rules(), host_matching=True)
    for host in ["example.com", "shop.example.com", "api.example.com", "other.org"]:
        for path in ["/", "/x/3", "/x/y"]:

            def outcome(
                url_map: WerkzeugMap, host: str = host, path: str = path
            ) -> t.Any:
                adapter = url_map.bind(host, path_info=path)
                try:
                    return adapter.match(return_rule=True)[1]
                except HTTPException as e:
                    return type(e).__name__

            assert outcome(ours) == outcome(theirs)


def test_rules_added_after_matching_are_found() -> None:
    url_map = Map([Rule("/", endpoint="index")])
    assert url_map.bind("example.com").match("/") == ("index", {})
    url_map.add(Rule("/late/<int:n>", endpoint="late"))
    assert url_map.bind("example.com").match("/late/4") == ("late", {"n": 4})


def test_matcher_works_without_update() -> None:
    # Map always updates before matching; the matcher alone must still work.
    url_map = WerkzeugMap([Rule("/n/<int:n>", endpoint="n")])
    matcher = StateMachineMatcher(merge_slashes=True)
    for rule in url_map.iter_rules():
        matcher.add(rule)
    rule, values = matcher.match("", "/n/5", "GET", False)
    assert rule.endpoint == "n"
    assert values == {"n": 5}


def test_app_url_map_uses_the_fast_matcher() -> None:
    from vial import Vial

    app = Vial(__name__)
    assert isinstance(app.url_map, Map)
    assert isinstance(app.url_map._matcher, StateMachineMatcher)


# -- Remembered matches ------------------------------------------------------------


def test_repeated_match_gives_a_fresh_dict_each_time() -> None:
    url_map = Map([Rule("/n/<int:n>", endpoint="n")])
    adapter = url_map.bind("example.com")
    first = t.cast(dict[str, t.Any], adapter.match("/n/3")[1])
    first["n"] = 99
    first["extra"] = True
    assert adapter.match("/n/3") == ("n", {"n": 3})


def test_view_args_changed_by_a_request_do_not_leak_into_the_next() -> None:
    from vial import Vial

    app = Vial(__name__)
    seen: list[dict[str, t.Any]] = []

    @app.url_value_preprocessor
    def take_lang(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        assert values is not None
        seen.append(dict(values))
        values.pop("lang")

    @app.route("/<lang>/page/<int:n>")
    def page(n: int) -> str:
        return str(n)

    client = app.test_client()
    assert client.get("/en/page/2").text == "2"
    assert client.get("/en/page/2").text == "2"
    assert seen == [{"lang": "en", "n": 2}, {"lang": "en", "n": 2}]


def test_custom_converters_run_on_every_request() -> None:
    from werkzeug.routing import BaseConverter

    calls: list[str] = []

    class Counting(BaseConverter):
        def to_python(self, value: str) -> str:
            calls.append(value)
            return value.upper()

    url_map = Map([Rule("/c/<up:word>", endpoint="c")], converters={"up": Counting})
    adapter = url_map.bind("example.com")
    assert adapter.match("/c/hi") == ("c", {"word": "HI"})
    assert adapter.match("/c/hi") == ("c", {"word": "HI"})
    assert calls == ["hi", "hi"]


def test_adding_a_rule_forgets_remembered_matches() -> None:
    url_map = Map([Rule("/item/<name>", endpoint="by_name")])
    adapter = url_map.bind("example.com")
    assert adapter.match("/item/new") == ("by_name", {"name": "new"})
    # A static rule outranks the converter once added.
    url_map.add(Rule("/item/new", endpoint="new_item"))
    assert url_map.bind("example.com").match("/item/new") == ("new_item", {})


def test_remembered_matches_are_bounded() -> None:
    from vial.matching import _MATCH_CACHE_SIZE

    url_map = Map([Rule("/n/<int:n>", endpoint="n")])
    adapter = url_map.bind("example.com")
    for n in range(_MATCH_CACHE_SIZE * 3):
        assert adapter.match(f"/n/{n}") == ("n", {"n": n})
    matcher = t.cast(StateMachineMatcher, url_map._matcher)
    assert len(matcher._matches) <= _MATCH_CACHE_SIZE


def test_alias_rules_are_not_remembered() -> None:
    url_map = Map(
        [
            Rule("/old", endpoint="page", alias=True),
            Rule("/new", endpoint="page"),
        ],
        redirect_defaults=False,
    )
    adapter = url_map.bind("example.com")
    assert adapter.match("/old") == ("page", {})
    url_map.redirect_defaults = True
    with pytest.raises(HTTPException) as info:
        adapter.match("/old")
    assert getattr(info.value, "new_url", "").endswith("/new")
