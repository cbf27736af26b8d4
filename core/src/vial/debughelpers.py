"""Helpers that explain common mistakes while developing an application."""

from __future__ import annotations

import typing as t

from .globals import _cv_request

if t.TYPE_CHECKING:
    from jinja2 import BaseLoader

    from ._jinja import _TemplateSource
    from .app import Vial
    from .scaffold import Scaffold
    from .wrappers import Request


# -- Template loading (EXPLAIN_TEMPLATE_LOADING) --------------------------------


def _describe_loader_owner(scaffold: Scaffold, app: Vial) -> str:
    if scaffold is app:
        return f"application {app.import_name!r}"
    name = getattr(scaffold, "name", "?")
    return f"blueprint {name!r} ({scaffold.import_name})"


def _describe_loader(loader: BaseLoader) -> list[str]:
    """Describe a jinja2 loader: its class and its plain public attributes."""
    cls = type(loader)
    lines = [f"class: {cls.__module__}.{cls.__name__}"]
    for key, value in sorted(vars(loader).items()):
        if key.startswith("_"):
            continue
        if isinstance(value, (list, tuple)):
            # Only lists of plain strings (search paths) are worth showing;
            # nested loaders would repeat the whole description.
            if not all(isinstance(item, str) for item in value):
                continue
            lines.append(f"{key}:")
            lines.extend(f"  - {item}" for item in value)
        elif isinstance(value, (str, int, float, bool)):
            lines.append(f"{key}: {value!r}")
    return lines


def explain_template_loading_attempts(
    app: Vial,
    template: str,
    attempts: list[tuple[BaseLoader, Scaffold, _TemplateSource | None]],
) -> None:
    """Log, through ``app.logger``, which loaders were asked for a template.

    Called by the dispatching loader when ``EXPLAIN_TEMPLATE_LOADING`` is
    true. Each attempt is a ``(loader, app_or_blueprint, source)`` tuple
    where ``source`` is ``None`` when that loader did not have the template.
    The message is logged at ``INFO`` level.
    """
    lines = [f"Locating template {template!r}:"]
    found = 0

    for index, (loader, scaffold, source) in enumerate(attempts, start=1):
        owner = _describe_loader_owner(scaffold, app)
        lines.append(f"  {index}: trying loader of {owner}")
        lines.extend(f"     {line}" for line in _describe_loader(loader))

        if source is None:
            lines.append("     -> no match")
            continue

        found += 1
        filename = source[1] if source[1] is not None else "<string>"
        lines.append(f"     -> found ({filename!r})")

    blueprint_hint = found != 1
    if found == 0:
        lines.append("Error: the template could not be found.")
    elif found > 1:
        lines.append(
            "Warning: several loaders have this template; the first one"
            " listed above is used."
        )

    req_ctx = _cv_request.get(None)
    blueprint = req_ctx.request.blueprint if req_ctx is not None else None
    if blueprint_hint and blueprint is not None:
        lines.append(
            f"  The template was looked up from an endpoint of the blueprint"
            f" {blueprint!r}. Blueprint templates live in the blueprint's"
            " template_folder and share one namespace with the application's;"
            " put them in a subfolder named after the blueprint"
            f" (e.g. '{blueprint}/{template}') to avoid clashes."
        )

    app.logger.info("\n".join(lines))


# -- Request debugging (debug mode only) ------------------------------------------


class DebugFilesKeyError(KeyError, AssertionError):
    """Raised in debug mode when a view reads a file from ``request.files``
    that the browser sent as a plain form field, because the form lacked
    ``enctype="multipart/form-data"``."""

    def __init__(self, request: Request, key: str) -> None:
        form_value = request.form.getlist(key)
        message = (
            f"The view read the file field {key!r} from request.files, but the"
            f" request's content type is {request.mimetype!r}, not"
            " 'multipart/form-data', so browsers send only the file names."
            ' Add enctype="multipart/form-data" to the HTML form.'
        )
        if form_value:
            names = ", ".join(repr(name) for name in form_value)
            message += f" The form field held these file names instead: {names}."
        self.msg = message

    def __str__(self) -> str:
        return self.msg


def attach_enctype_error_multidict(request: Request) -> None:
    """Make reading a missing key of ``request.files`` raise
    :class:`DebugFilesKeyError` when the key was sent as a form field."""
    files = request.files
    original_class = files.__class__

    class _FilesWithHint(original_class):  # type: ignore[valid-type,misc]
        def __getitem__(self, key: str) -> t.Any:
            try:
                return super().__getitem__(key)
            except KeyError as e:
                if key not in request.form:
                    raise
                raise DebugFilesKeyError(request, key).with_traceback(
                    e.__traceback__
                ) from None

    _FilesWithHint.__name__ = original_class.__name__
    _FilesWithHint.__qualname__ = original_class.__qualname__
    files.__class__ = _FilesWithHint


class FormDataRoutingRedirect(AssertionError):
    """Raised in debug mode instead of redirecting a request with a body,
    which browsers would resend without it (a missing trailing slash on a
    ``POST``, for example)."""

    def __init__(self, request: Request) -> None:
        exc = request.routing_exception
        new_url = getattr(exc, "new_url", "?")
        message = [
            f"A request was sent to {request.url!r}, but routing redirects it"
            f" to {new_url!r}."
        ]
        if f"{request.base_url}/" == new_url.partition("?")[0]:
            message.append(
                " The URL has no trailing slash while the rule has one; link"
                " to the URL with the slash."
            )
        message.append(
            f" The redirect would make the browser resend the {request.method}"
            " request without its form data, so debug mode stops it here."
            " Fix the URL the form posts to, or use a 307 or 308 redirect."
        )
        super().__init__("".join(message))
