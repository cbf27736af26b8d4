"""Helpers that explain common mistakes while developing an application."""

from __future__ import annotations

import typing as t

from .globals import _cv_request

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from jinja2 import BaseLoader

    from .app import Vial
    from .scaffold import Scaffold

    _TemplateSource = tuple[str, t.Optional[str], t.Optional[Callable[[], bool]]]


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
