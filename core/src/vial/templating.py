"""Rendering Jinja templates with the current application.

Importing this module does not import :mod:`jinja2`: the render functions
reach it through ``app.jinja_env``, which is built on first use, and the
jinja2-based classes :class:`Environment` and :class:`DispatchingJinjaLoader`
are loaded from :mod:`vial._jinja` only when they are looked up here.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator

from .globals import _cv_app
from .globals import _cv_request
from .globals import _no_app_msg
from .signals import before_render_template
from .signals import template_rendered

if t.TYPE_CHECKING:
    from jinja2 import Template

    from ._jinja import DispatchingJinjaLoader as DispatchingJinjaLoader
    from ._jinja import Environment as Environment
    from .app import Vial

    _TemplateNames = str | Template | list[str | Template]

_LAZY_NAMES = frozenset({"Environment", "DispatchingJinjaLoader"})


def __getattr__(name: str) -> t.Any:
    # Module-level __getattr__ keeps jinja2 out of ``import vial``.
    if name in _LAZY_NAMES:
        from . import _jinja

        value = getattr(_jinja, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _current_app() -> Vial:
    ctx = _cv_app.get(None)
    if ctx is None:
        raise RuntimeError(_no_app_msg)
    return ctx.app


def _render(app: Vial, template: Template, context: dict[str, t.Any]) -> str:
    """Render ``template`` with the app's context and send the render signals."""
    app.update_template_context(context)
    if before_render_template.receivers:
        before_render_template.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )
    rv = template.render(context)
    if template_rendered.receivers:
        template_rendered.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )
    return rv


def render_template(template_name_or_list: _TemplateNames, **context: t.Any) -> str:
    """Render a template by name with the given context.

    :param template_name_or_list: The name of the template to render. If a
        list is given, the first name that exists is rendered.
    :param context: The variables to make available in the template.
    """
    app = _current_app()
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _render(app, template, context)


def render_template_string(source: str, **context: t.Any) -> str:
    """Render a template from the given source string with the given context.

    :param source: The source code of the template to render.
    :param context: The variables to make available in the template.
    """
    app = _current_app()
    template = app.jinja_env.from_string(source)
    return _render(app, template, context)


def _stream(app: Vial, template: Template, context: dict[str, t.Any]) -> Iterator[str]:
    app.update_template_context(context)
    if before_render_template.receivers:
        before_render_template.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )

    def generate() -> Iterator[str]:
        yield from template.generate(context)
        if template_rendered.receivers:
            template_rendered.send(
                app, _async_wrapper=app.ensure_sync, template=template, context=context
            )

    rv = generate()

    # Keep the request context alive while the response streams, so the
    # template can still use ``request`` and ``session``.
    if _cv_request.get(None) is not None:
        from .helpers import stream_with_context

        rv = stream_with_context(rv)

    return rv


def stream_template(
    template_name_or_list: _TemplateNames, **context: t.Any
) -> Iterator[str]:
    """Render a template by name as a stream of strings.

    Return the iterator as a response body to send the page while it is
    rendered. When a request is active, the request context stays available
    to the template until the stream is exhausted.

    :param template_name_or_list: The name of the template to render. If a
        list is given, the first name that exists is rendered.
    :param context: The variables to make available in the template.
    """
    app = _current_app()
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _stream(app, template, context)


def stream_template_string(source: str, **context: t.Any) -> Iterator[str]:
    """Render a template from a source string as a stream of strings.

    :param source: The source code of the template to render.
    :param context: The variables to make available in the template.
    """
    app = _current_app()
    template = app.jinja_env.from_string(source)
    return _stream(app, template, context)
