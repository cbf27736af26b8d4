from __future__ import annotations

import re
import sys
import time
import types
import typing as t
from decimal import Decimal

import itsdangerous.timed
import pytest
from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField
from wtforms import DecimalField
from wtforms import FieldList
from wtforms import Form
from wtforms import FormField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import NumberRange

from vial import render_template_string
from vial import request
from vial import Vial
from vial.testing import VialClient
from vial.typing import ResponseReturnValue
from vial_wtf import CSRFProtect
from vial_wtf import FlaskForm
from vial_wtf import generate_csrf
from vial_wtf import VialForm
from vial_wtf.form import json_formdata
from vial_wtf.form import SUBMIT_METHODS

if t.TYPE_CHECKING:
    from vial.ctx import AppContext
    from vial.ctx import RequestContext


class NameForm(VialForm):
    name = StringField("Name", validators=[DataRequired()])
    ref = HiddenField(default="r1")


class NoCSRFForm(VialForm):
    class Meta:
        csrf = False

    name = StringField("Name", validators=[DataRequired()])


class Address(Form):
    city = StringField(validators=[DataRequired()])
    zip_code = StringField()


class Item(Form):
    name = StringField(validators=[DataRequired()])


class OrderForm(VialForm):
    class Meta:
        csrf = False

    count = IntegerField(validators=[NumberRange(min=1)])
    price = DecimalField()
    gift = BooleanField()
    note = StringField()
    # Plain values: WTForms 3.3 deprecates (value, label) tuples, which its
    # stubs still require.
    tags = SelectMultipleField(choices=t.cast(t.Any, ["a", "b", "c"]))
    address = FormField(Address)
    items = FieldList(FormField(Item))


def _token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match is not None, html
    return match.group(1)


@pytest.fixture
def form_app(app: Vial) -> Vial:
    """The app with a page rendering NameForm and accepting its posts."""

    @app.route("/form", methods=["GET", "POST", "PUT"])
    def form_view() -> ResponseReturnValue:
        form = NameForm()
        if form.validate_on_submit():
            return f"valid {form.name.data}"
        if form.is_submitted() and form.wants_json():
            return form.errors_response()
        if form.is_submitted():
            return {"errors": form.errors}, 400
        return render_template_string("<form>{{ form.hidden_tag() }}</form>", form=form)

    return app


# Filling and submission


def test_fills_from_form_and_validates(form_app: Vial, client: VialClient) -> None:
    token = _token_from(client.get("/form").text)
    response = client.post("/form", data={"name": "Ada", "csrf_token": token})
    assert response.text == "valid Ada"
    response = client.put("/form", data={"name": "Bob", "csrf_token": token})
    assert response.text == "valid Bob"


def test_missing_token_fails_validation(form_app: Vial, client: VialClient) -> None:
    client.get("/form")
    response = client.post("/form", data={"name": "Ada"})
    assert response.status_code == 400
    assert response.json == {"errors": {"csrf_token": ["The CSRF token is missing."]}}


def test_forged_and_foreign_tokens_fail_validation(
    form_app: Vial, client: VialClient
) -> None:
    token = _token_from(client.get("/form").text)
    response = client.post("/form", data={"name": "A", "csrf_token": token + "x"})
    assert response.json == {"errors": {"csrf_token": ["The CSRF token is invalid."]}}
    other = form_app.test_client()
    other.get("/form")
    response = other.post("/form", data={"name": "A", "csrf_token": token})
    assert response.json == {
        "errors": {"csrf_token": ["The CSRF tokens do not match."]}
    }


def test_is_submitted_by_method(app: Vial) -> None:
    assert {"POST", "PUT", "PATCH", "DELETE"} == SUBMIT_METHODS
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        with app.test_request_context(method=method):
            assert NoCSRFForm().is_submitted()
    for method in ("GET", "HEAD", "OPTIONS"):
        with app.test_request_context(method=method, query_string={"name": "x"}):
            form = NoCSRFForm()
            assert not form.is_submitted()
            assert not form.validate_on_submit()
            # A GET does not fill the form from the query string.
            assert form.name.data is None


def test_validate_on_submit_with_extra_validators(app: Vial) -> None:
    def no_bob(form: t.Any, field: t.Any) -> None:
        from wtforms.validators import ValidationError

        if field.data == "bob":
            raise ValidationError("No Bob.")

    with app.test_request_context(method="POST", data={"name": "bob"}):
        form = NoCSRFForm()
        assert not form.validate_on_submit(extra_validators={"name": [no_bob]})
        assert form.errors == {"name": ["No Bob."]}


def test_explicit_formdata_is_used(app: Vial) -> None:
    with app.test_request_context(method="POST", data={"name": "from request"}):
        form = NoCSRFForm(MultiDict({"name": "explicit"}))
        assert form.name.data == "explicit"
        form = NoCSRFForm(None, data={"name": "default"})
        assert form.name.data == "default"


def test_form_without_request_context(app_ctx: AppContext) -> None:
    form = NoCSRFForm(data={"name": "x"})
    assert not form.is_submitted()
    assert form.validate()


def test_flaskform_is_vialform() -> None:
    assert FlaskForm is VialForm


# CSRF options


def test_meta_csrf_false_removes_the_field(req_ctx: RequestContext) -> None:
    form = NoCSRFForm()
    assert "csrf_token" not in form
    assert isinstance(NameForm()["csrf_token"], CSRFTokenField)


def test_meta_csrf_per_instance(app: Vial) -> None:
    with app.test_request_context(method="POST", data={"name": "x"}):
        form = NameForm(meta={"csrf": False})
        assert "csrf_token" not in form
        assert form.validate()


def test_disabled_in_config_removes_the_field(app: Vial) -> None:
    app.config.update(WTF_CSRF_ENABLED=False, SECRET_KEY=None)
    with app.test_request_context(method="POST", data={"name": "x"}):
        form = NameForm()
        assert "csrf_token" not in form
        assert form.validate_on_submit()


def test_field_name_from_config(app: Vial) -> None:
    app.config["WTF_CSRF_FIELD_NAME"] = "_csrf"
    with app.test_request_context():
        form = NameForm()
        assert "_csrf" in form
        assert "csrf_token" not in form
        assert 'name="_csrf"' in form.hidden_tag()


def test_meta_secret_and_field_name(app: Vial) -> None:
    class KeyedForm(VialForm):
        class Meta:
            csrf_secret = "form key"
            csrf_field_name = "keyed_token"

        name = StringField()

    with app.test_request_context() as ctx:
        form = KeyedForm()
        token = t.cast(CSRFTokenField, form["keyed_token"]).current_token
        assert token is not None
        app_token = generate_csrf(token_key="keyed_token")
        sess = ctx.session
    with app.test_request_context(method="POST", data={"keyed_token": token}) as ctx:
        ctx.session.update(sess)
        assert KeyedForm().validate()
    with app.test_request_context(
        method="POST", data={"keyed_token": app_token}
    ) as ctx:
        ctx.session.update(sess)
        form = KeyedForm()
        assert not form.validate()
        assert form.errors == {"keyed_token": ["The CSRF token is invalid."]}


def test_time_limit_from_config(
    app: Vial, client: VialClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["WTF_CSRF_TIME_LIMIT"] = 10

    @app.route("/f", methods=["GET", "POST"])
    def view() -> ResponseReturnValue:
        form = NameForm()
        if form.validate_on_submit():
            return "ok"
        if form.is_submitted():
            return {"errors": form.errors}
        return str(form.hidden_tag())

    token = _token_from(client.get("/f").text)
    assert client.post("/f", data={"name": "x", "csrf_token": token}).text == "ok"
    later = time.time() + 11
    fake_time = types.SimpleNamespace(time=lambda: later)
    monkeypatch.setattr(itsdangerous.timed, "time", fake_time)
    response = client.post("/f", data={"name": "x", "csrf_token": token})
    assert response.json == {"errors": {"csrf_token": ["The CSRF token has expired."]}}


def test_form_without_secret_key_errors_at_token_generation(app: Vial) -> None:
    app.config["SECRET_KEY"] = None
    with app.test_request_context():
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            NameForm()
        # Without CSRF no key is needed.
        assert NoCSRFForm().name.data is None


def test_csrfprotect_check_lets_form_skip_its_own(
    app: Vial, form_app: Vial, client: VialClient
) -> None:
    CSRFProtect(app)
    token = _token_from(client.get("/form").text)
    # The token comes in a header only; CSRFProtect checked it, so the
    # form's CSRF field (empty) does not fail.
    response = client.post(
        "/form", json={"name": "Ada"}, headers={"X-CSRFToken": token}
    )
    assert response.text == "valid Ada"


def test_csrfprotect_pass_is_scoped_to_its_request(
    app: Vial, app_ctx: AppContext
) -> None:
    csrf = CSRFProtect(app)
    # Both request contexts reuse the pushed app context, and so its g.
    with app.test_request_context(method="POST") as ctx:
        token = generate_csrf()
        sess = dict(ctx.session)
    with app.test_request_context(
        method="POST", headers={"X-CSRFToken": token}, data={"name": "x"}
    ) as ctx:
        ctx.session.update(sess)
        csrf.protect()
        assert NameForm().validate()
    with app.test_request_context(method="POST", data={"name": "x"}) as ctx:
        ctx.session.update(sess)
        form = NameForm()
        assert not form.validate()
        assert form.errors == {"csrf_token": ["The CSRF token is missing."]}


# hidden_tag


def test_hidden_tag_renders_hidden_fields_only(req_ctx: RequestContext) -> None:
    form = NameForm()
    html = form.hidden_tag()
    assert isinstance(html, Markup)
    assert 'name="csrf_token"' in html
    token = t.cast(CSRFTokenField, form["csrf_token"]).current_token
    assert f'value="{token}"' in html
    assert '<input id="ref" name="ref" type="hidden" value="r1">' in html
    assert 'name="name"' not in html
    assert html.count("\n") == 1


def test_hidden_tag_with_chosen_fields(req_ctx: RequestContext) -> None:
    form = NameForm()
    assert form.hidden_tag("ref") == Markup(
        '<input id="ref" name="ref" type="hidden" value="r1">'
    )
    assert form.hidden_tag(form.ref, "name", "missing") == form.hidden_tag("ref")
    assert "csrf_token" in form.hidden_tag(form["csrf_token"])


def test_hidden_tag_in_a_template(form_app: Vial, client: VialClient) -> None:
    html = client.get("/form").text
    # Rendered as markup, not escaped, in the form's field order.
    assert html.startswith('<form><input id="ref" name="ref" type="hidden"')
    assert '\n<input id="csrf_token" name="csrf_token" type="hidden"' in html
    assert "&lt;" not in html


# JSON submissions


@pytest.fixture
def json_app(app: Vial) -> Vial:
    @app.route("/order", methods=["POST"])
    def order() -> ResponseReturnValue:
        form = OrderForm()
        if form.validate_on_submit():
            return {"data": {**form.data, "price": str(form.price.data)}}
        return form.errors_response()

    return app


def test_json_submission_end_to_end(json_app: Vial, client: VialClient) -> None:
    response = client.post(
        "/order",
        json={
            "count": 3,
            "price": 1.10,
            "gift": False,
            "note": None,
            "tags": ["a", "c"],
            "address": {"city": "Oslo", "zip_code": 150},
            "items": [{"name": "pen"}, {"name": "ink"}],
        },
    )
    assert response.status_code == 200
    assert response.json == {
        "data": {
            "count": 3,
            "price": "1.1",
            "gift": False,
            "note": None,
            "tags": ["a", "c"],
            "address": {"city": "Oslo", "zip_code": "150"},
            "items": [{"name": "pen"}, {"name": "ink"}],
        }
    }


def test_json_submission_errors_come_back_as_json(
    json_app: Vial, client: VialClient
) -> None:
    response = client.post(
        "/order",
        json={"count": 0, "address": {"zip_code": "x"}, "items": [{"name": ""}]},
    )
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert response.json == {
        "errors": {
            "count": ["Number must be at least 1."],
            "address": {"city": ["This field is required."]},
            "items": [{"name": ["This field is required."]}],
        }
    }


def test_json_and_form_posts_validate_the_same(app: Vial) -> None:
    class Strict(VialForm):
        class Meta:
            csrf = False

        name = StringField(validators=[InputRequired()])
        count = IntegerField()

    cases: list[tuple[dict[str, t.Any], dict[str, t.Any]]] = [
        ({"name": "x", "count": 5}, {"name": "x", "count": "5"}),
        ({"count": 5}, {"count": "5"}),
        ({"name": None, "count": "nope"}, {"count": "nope"}),
    ]
    for json_body, form_body in cases:
        with app.test_request_context(method="POST", json=json_body):
            from_json = Strict()
            json_ok = from_json.validate()
        with app.test_request_context(method="POST", data=form_body):
            from_form = Strict()
            form_ok = from_form.validate()
        assert json_ok == form_ok
        assert from_json.errors == from_form.errors
        assert from_json.data == from_form.data


def test_json_decimal_keeps_the_sent_digits(app: Vial) -> None:
    with app.test_request_context(
        method="POST", data='{"price": 0.1}', content_type="application/json"
    ):
        form = OrderForm()
        assert form.price.data == Decimal("0.1")


def test_json_booleans(app: Vial) -> None:
    for value, expected in ((True, True), (False, False)):
        with app.test_request_context(method="POST", json={"gift": value}):
            assert OrderForm().gift.data is expected


def test_json_submission_with_csrf_token_in_body(app: Vial, client: VialClient) -> None:
    @app.route("/json", methods=["GET", "POST"])
    def view() -> ResponseReturnValue:
        form = NameForm()
        if request.method == "GET":
            return generate_csrf()
        if form.validate_on_submit():
            return "ok"
        return form.errors_response(status=422)

    token = client.get("/json").text
    assert client.post("/json", json={"name": "x", "csrf_token": token}).text == "ok"
    response = client.post("/json", json={"name": "x"})
    assert response.status_code == 422
    assert response.json == {"errors": {"csrf_token": ["The CSRF token is missing."]}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"name": ', "not valid JSON"),
        (b"", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[1, 2]", "is a list, not an object"),
        (b'"text"', "is a str, not an object"),
        (b"null", "is a NoneType, not an object"),
    ],
)
def test_bad_json_bodies_are_clear_400s(
    json_app: Vial, client: VialClient, body: bytes, message: str
) -> None:
    response = client.post("/order", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json is not None
    assert message in response.json["error"]
    assert "Send a JSON object" in response.json["error"]


@pytest.mark.parametrize(
    "depth",
    # Deeper than any decoder accepts; and the recursion limit itself, which
    # Python 3.12+ decodes (its C recursion limit is higher) but cannot flatten.
    [100_000, sys.getrecursionlimit()],
)
@pytest.mark.parametrize("opener", ['{"a": ', "["])
def test_deeply_nested_json_is_a_clear_400(
    json_app: Vial, client: VialClient, depth: int, opener: str
) -> None:
    closer = "}" if opener.startswith("{") else "]"
    nested = opener * depth + "1" + closer * depth
    response = client.post(
        "/order", data='{"name": ' + nested + "}", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json is not None
    # The decoder's failure reads as invalid JSON (the core turns its
    # RecursionError into a decoding error); flattening's says why.
    assert response.json["error"].startswith(
        ("The request body is not valid JSON.", "The JSON body is nested too deeply.")
    )
    assert "Send a JSON object" in response.json["error"]


def test_list_index_int_cannot_read_is_left_out(
    json_app: Vial, client: VialClient
) -> None:
    # "¹" passes str.isdigit(), which WTForms' FieldList checks before int().
    response = client.post(
        "/order",
        data={
            "count": "1",
            "address-city": "Oslo",
            "items-0-name": "pen",
            "items-¹-name": "x",
        },
    )
    assert response.status_code == 200
    assert response.json is not None
    assert response.json["data"]["items"] == [{"name": "pen"}]
    response = client.post(
        "/order",
        json={"count": 1, "address": {"city": "Oslo"}, "items": {"²": {"name": "x"}}},
    )
    assert response.status_code == 200
    assert response.json is not None
    assert response.json["data"]["items"] == []


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)
_FIELD_NAMES = st.sampled_from(
    [
        "count",
        "price",
        "gift",
        "tags",
        "address",
        "address-city",
        "items",
        "items-0-name",
        "items-1",
        "x-y",
    ]
) | st.text(max_size=8)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    json_body=st.dictionaries(_FIELD_NAMES, _JSON_VALUES, max_size=5),
    form_body=st.lists(st.tuples(_FIELD_NAMES, st.text(max_size=12)), max_size=6),
)
def test_any_submission_gets_an_answer_not_a_server_error(
    json_app: Vial,
    client: VialClient,
    json_body: dict[str, t.Any],
    form_body: list[tuple[str, str]],
) -> None:
    response = client.post("/order", json=json_body)
    assert response.status_code in (200, 400), response.text
    response = client.post("/order", data=MultiDict(form_body))
    assert response.status_code in (200, 400), response.text


def test_json_formdata_flattening() -> None:
    data = json_formdata(
        {
            "a": "x",
            "n": 1.5,
            "i": 2,
            "b": True,
            "none": None,
            "list": ["p", None, 3],
            "obj": {"k": {"deep": "v"}},
            "rows": [{"c": 1}, [7]],
        }
    )
    assert list(data.items(multi=True)) == [
        ("a", "x"),
        ("n", "1.5"),
        ("i", "2"),
        ("b", "true"),
        ("list", "p"),
        ("list", "3"),
        ("obj-k-deep", "v"),
        ("rows-0-c", "1"),
        ("rows-1", "7"),
    ]
    with pytest.raises(ValueError, match="not a JSON object"):
        json_formdata([1])


# Negotiation helpers


def test_wants_json(app: Vial) -> None:
    cases: list[tuple[dict[str, t.Any], bool]] = [
        ({"json": {}}, True),
        ({"headers": {"Accept": "application/json"}}, True),
        ({"headers": {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}}, False),
        ({"headers": {"Accept": "*/*"}}, False),
        ({}, False),
    ]
    for kwargs, expected in cases:
        with app.test_request_context(method="POST", **kwargs):
            assert NoCSRFForm().wants_json() is expected


def test_errors_response(app: Vial) -> None:
    with app.test_request_context(method="POST", data={}):
        form = NoCSRFForm()
        assert not form.validate()
        response = form.errors_response()
        assert response.status_code == 400
        assert response.json == {"errors": {"name": ["This field is required."]}}
        assert form.errors_response(status=422).status_code == 422
