""":class:`VialForm`: a WTForms form that fills itself from the request.

A form created without ``formdata`` during a submission (a request whose
method is in :data:`SUBMIT_METHODS`) reads the request: uploaded files and
form fields together, or else a JSON object body. JSON values become the
strings a browser would have posted, so a form validates a JSON submission
exactly as it validates the same data sent from an HTML form:

- strings stay as they are; numbers keep their JSON spelling (``1.10`` stays
  ``"1.10"``, so a ``DecimalField`` gets the exact value); ``true`` and
  ``false`` become ``"true"`` and ``"false"`` (a ``BooleanField`` reads
  ``"false"`` as unchecked); ``null`` is the same as leaving the key out;
- a list gives the field several values (``SelectMultipleField``);
- an object fills the fields of a ``FormField`` (``{"address": {"city":
  "Oslo"}}`` becomes ``address-city``), and a list of objects fills a
  ``FieldList`` of form fields (``items-0-name``, ``items-1-name``, ...).

A body that is not valid JSON, or not a JSON object, is a 400 error.
"""

from __future__ import annotations

import enum
import json
import typing as t
from collections.abc import Mapping
from functools import cached_property

from markupsafe import Markup
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest
from wtforms import Form
from wtforms.meta import DefaultMeta
from wtforms.widgets import HiddenInput

from vial import jsonify
from vial.ext import current_request_context
from vial.ext import find_app
from vial.ext import get_app
from vial.ext import request
from vial.ext import wants_json

from .config import get_setting
from .csrf import _FormCSRF
from .errors import NegotiatedBadRequest
from .i18n import get_translations

if t.TYPE_CHECKING:
    from wtforms.fields.core import Field
    from wtforms.form import BaseForm
    from wtforms.meta import _MultiDictLike
    from wtforms.meta import _SupportsGettextAndNgettext

    from vial import Response

#: Request methods whose requests are submissions that fill forms.
SUBMIT_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class _Auto(enum.Enum):
    """Marks ``formdata`` left out, so the form reads the request."""

    token = 0


_AUTO = _Auto.token


def _is_submitted() -> bool:
    ctx = current_request_context()
    return ctx is not None and ctx.request.method in SUBMIT_METHODS


def _scalar(value: t.Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def _flatten(items: list[tuple[str, str]], name: str, value: t.Any) -> None:
    if value is None:
        return
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(items, f"{name}-{key}", inner)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            if isinstance(inner, (dict, list)):
                _flatten(items, f"{name}-{index}", inner)
            elif inner is not None:
                items.append((name, _scalar(inner)))
    else:
        items.append((name, _scalar(value)))


def json_formdata(data: t.Any) -> ImmutableMultiDict[str, str]:
    """Turn a decoded JSON object into form data, as the module describes.

    :raises ValueError: ``data`` is not a JSON object.
    """
    if not isinstance(data, Mapping):
        raise ValueError("data is not a JSON object")
    items: list[tuple[str, str]] = []
    for key, value in data.items():
        _flatten(items, str(key), value)
    return ImmutableMultiDict(items)


_TOO_DEEP = (
    "The JSON body is nested too deeply. Send a JSON object mapping field"
    ' names to values, such as {"name": "value"}.'
)


def _request_json_formdata() -> ImmutableMultiDict[str, str]:
    # A body nested a thousand levels deep exhausts the recursion limit in
    # the JSON decoder or in _flatten; that is bad input, not a server error.
    try:
        data = request.get_json()
    except BadRequest:
        raise NegotiatedBadRequest(
            "The request body is not valid JSON. Send a JSON object mapping"
            ' field names to values, such as {"name": "value"}.'
        )
    except RecursionError:
        raise NegotiatedBadRequest(_TOO_DEEP) from None
    try:
        return json_formdata(data)
    except RecursionError:
        raise NegotiatedBadRequest(_TOO_DEEP) from None
    except ValueError:
        raise NegotiatedBadRequest(
            f"The JSON body is a {type(data).__name__}, not an object. Send a"
            ' JSON object mapping field names to values, such as {"name":'
            ' "value"}.'
        )


def _is_unreadable_index(part: str) -> bool:
    # Digits such as "¹" pass str.isdigit() but int() refuses them.
    return part.isdigit() and not part.isdecimal()


def _drop_unreadable_indices(formdata: t.Any) -> t.Any:
    """Leave out keys with a list index WTForms would fail to read.

    ``FieldList`` takes a name segment for an index when ``str.isdigit()``
    accepts it, then calls ``int()`` on it: a client sending ``items-¹``
    would otherwise turn a form with a ``FieldList`` into a server error.
    """
    if not isinstance(formdata, MultiDict):
        return formdata
    unreadable = {
        key
        for key in formdata
        if "-" in key and any(map(_is_unreadable_index, key.split("-")))
    }
    if not unreadable:
        return formdata
    return MultiDict(
        [
            (key, value)
            for key, value in formdata.items(multi=True)
            if key not in unreadable
        ]
    )


class _VialMeta(DefaultMeta):
    """Form options read from the current app's ``WTF_*`` config.

    Each is read once per form, and a form class overrides any of them in its
    own ``class Meta`` (``csrf = False``), or a form instance through
    ``meta={...}``.
    """

    csrf_class = _FormCSRF

    @cached_property
    def csrf(self) -> bool:  # type: ignore[override]
        """Whether the form has a CSRF field, from ``WTF_CSRF_ENABLED``."""
        return bool(get_setting(get_app(), "WTF_CSRF_ENABLED"))

    @cached_property
    def csrf_secret(self) -> t.Any:  # type: ignore[override]
        """The signing key, from ``WTF_CSRF_SECRET_KEY`` (None: the app's)."""
        return get_setting(get_app(), "WTF_CSRF_SECRET_KEY")

    @cached_property
    def csrf_field_name(self) -> str:  # type: ignore[override]
        """The name of the CSRF field, from ``WTF_CSRF_FIELD_NAME``."""
        return t.cast(str, get_setting(get_app(), "WTF_CSRF_FIELD_NAME"))

    @cached_property
    def csrf_time_limit(self) -> t.Any:
        """The token lifetime in seconds, from ``WTF_CSRF_TIME_LIMIT``."""
        return get_setting(get_app(), "WTF_CSRF_TIME_LIMIT")

    def wrap_formdata(self, form: BaseForm, formdata: t.Any) -> t.Any:
        """Read the request when the form was created without formdata."""
        if formdata is _AUTO:
            if not _is_submitted():
                return None
            if request.files:
                formdata = CombinedMultiDict((request.files, request.form))
            elif request.form:
                formdata = request.form
            elif request.is_json:
                formdata = _request_json_formdata()
            else:
                return None
        else:
            formdata = super().wrap_formdata(form, formdata)
        return _drop_unreadable_indices(formdata)

    def get_translations(self, form: BaseForm) -> _SupportsGettextAndNgettext:
        """Return the app's WTForms translations (see :mod:`vial_wtf.i18n`)."""
        translations = get_translations() if find_app() is not None else None
        if translations is None:
            return super().get_translations(form)
        return translations


class VialForm(Form):
    """A form that fills itself from the request and carries a CSRF field.

    Create it without ``formdata`` in a view: during a submission it reads
    ``request.files`` and ``request.form``, or a JSON body. Its CSRF field
    is signed against the session (see :func:`~vial_wtf.generate_csrf`);
    ``class Meta: csrf = False`` removes it from a form class.
    """

    Meta = _VialMeta

    def __init__(
        self, formdata: _MultiDictLike | _Auto | None = _AUTO, **kwargs: t.Any
    ) -> None:
        super().__init__(formdata=t.cast(t.Any, formdata), **kwargs)

    def is_submitted(self) -> bool:
        """Return whether the current request is a submission (POST, PUT,
        PATCH or DELETE)."""
        return _is_submitted()

    def validate_on_submit(
        self, extra_validators: Mapping[str, t.Sequence[t.Any]] | None = None
    ) -> bool:
        """Validate the form if the request is a submission; return whether
        it was submitted and is valid."""
        return self.is_submitted() and self.validate(extra_validators=extra_validators)

    def hidden_tag(self, *fields: str | Field) -> Markup:
        """Render the form's hidden fields (the CSRF field among them).

        :param fields: Only these fields (objects or names), when given;
            those that are not hidden are skipped.
        """
        chosen: t.Iterable[str | Field | None] = fields or self
        hidden = []
        for field in chosen:
            if isinstance(field, str):
                field = getattr(self, field, None)
            if field is not None and isinstance(field.widget, HiddenInput):
                hidden.append(field())
        return Markup("\n").join(hidden)

    def wants_json(self) -> bool:
        """Return whether the client sent JSON or prefers a JSON answer, so a
        view knows to answer with :meth:`errors_response`."""
        return wants_json()

    def errors_response(self, status: int = 400) -> Response:
        """Return the form's errors as a JSON response, ``{"errors":
        {field: [message, ...]}}``, with the given status."""
        response = jsonify(errors=self.errors)
        response.status_code = status
        return response


#: Flask-WTF's name for :class:`VialForm`, for code ported from Flask-WTF.
FlaskForm = VialForm
