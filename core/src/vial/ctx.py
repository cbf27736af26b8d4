"""The application and request contexts.

A context is pushed for each request (and for CLI commands and tests) and
popped when it ends. The active contexts are held in :mod:`contextvars`, so
each thread, greenlet and asyncio task sees only its own.
"""

from __future__ import annotations

import contextvars
import sys
import typing as t
from functools import update_wrapper
from types import TracebackType

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request as _RequestBase

from . import typing as ft
from .globals import _cv_app
from .globals import _cv_request
from .signals import appcontext_popped
from .signals import appcontext_pushed

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.routing import MapAdapter

    from .app import Vial
    from .sessions import SessionMixin
    from .wrappers import Request

_sentinel = object()
_close = _RequestBase.close


class _AppCtxGlobals:
    """The ``g`` object: a namespace for data kept for one application
    context, such as a database connection opened during a request."""

    # Attributes live in the instance dict as on any object; these
    # declarations only tell type checkers that any name may be used.
    # (Defining __setattr__ for real would slow every 'g.x = ...'.)
    def __getattr__(self, name: str) -> t.Any:
        raise AttributeError(name)

    if t.TYPE_CHECKING:

        def __setattr__(self, name: str, value: t.Any) -> None: ...

        def __delattr__(self, name: str) -> None: ...

    def get(self, name: str, default: t.Any | None = None) -> t.Any:
        """Return an attribute, or ``default`` when it is not set."""
        return self.__dict__.get(name, default)

    def pop(self, name: str, default: t.Any = _sentinel) -> t.Any:
        """Remove an attribute and return its value, or ``default``."""
        if default is _sentinel:
            return self.__dict__.pop(name)
        return self.__dict__.pop(name, default)

    def setdefault(self, name: str, default: t.Any = None) -> t.Any:
        """Return an attribute, setting it to ``default`` first if missing."""
        return self.__dict__.setdefault(name, default)

    def __contains__(self, item: str) -> bool:
        return item in self.__dict__

    def __iter__(self) -> t.Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        app_ctx = _cv_app.get(None)
        if app_ctx is not None:
            return f"<vial.g of {app_ctx.app.name!r}>"
        return object.__repr__(self)


def after_this_request(
    f: ft.AfterRequestCallable[t.Any],
) -> ft.AfterRequestCallable[t.Any]:
    """Run ``f`` with the response of the current request only.

    Use it inside a view or a ``before_request`` function to change the
    response that is not built yet, such as to set a cookie.
    """
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(
            "'after_this_request' can only be used while a request is being"
            " handled; call it inside a view or a 'before_request' function."
        )
    ctx._after_request_functions.append(f)
    return f


F = t.TypeVar("F", bound=t.Callable[..., t.Any])


def copy_current_request_context(f: F) -> F:
    """Decorate ``f`` so it runs inside a copy of the current request
    context, for example in a thread started by the view."""
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(
            "'copy_current_request_context' can only be used while a request"
            " is being handled; decorate the function inside the view."
        )
    ctx = ctx.copy()

    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with ctx:
            return ctx.app.ensure_sync(f)(*args, **kwargs)

    return t.cast(F, update_wrapper(wrapper, f))


def has_request_context() -> bool:
    """Whether a request context is active."""
    return _cv_request.get(None) is not None


def has_app_context() -> bool:
    """Whether an application context is active."""
    return _cv_app.get(None) is not None


_C = t.TypeVar("_C", bound="_Context")


class _Context:
    """A context usable as a ``with`` block: entering pushes it, leaving pops
    it with the block's exception."""

    def push(self) -> None:
        raise NotImplementedError

    def pop(self, exc: BaseException | None = _sentinel) -> None:  # type: ignore[assignment]
        raise NotImplementedError

    def __enter__(self: _C) -> _C:
        self.push()
        return self

    def __exit__(
        self,
        exc_type: type | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.pop(exc_value)


class AppContext(_Context):
    """Holds the current application and :data:`~vial.g` while pushed.

    Pushed automatically for each request and CLI command; push one by hand
    with ``with app.app_context():``.
    """

    #: Streamed responses (:func:`~vial.stream_with_context`) still to be
    #: sent with this context; while any is, popping it runs no teardown.
    _holds = 0

    def __init__(self, app: Vial) -> None:
        self.app = app
        self.url_adapter: MapAdapter | None = app.create_url_adapter(None)
        self.g: _AppCtxGlobals = app.app_ctx_globals_class()
        self._cv_tokens: list[contextvars.Token[AppContext]] = []

    def push(self) -> None:
        """Make this context the active one."""
        self._cv_tokens.append(_cv_app.set(self))
        if appcontext_pushed.receivers:
            appcontext_pushed.send(self.app, _async_wrapper=self.app.ensure_sync)

    def pop(self, exc: BaseException | None = _sentinel) -> None:  # type: ignore[assignment]
        """Deactivate this context, running the teardown functions when it
        is popped for the last time."""
        try:
            if len(self._cv_tokens) == 1 and not self._holds:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                self.app.do_teardown_appcontext(exc)
        finally:
            active = _cv_app.get(None)
            _cv_app.reset(self._cv_tokens.pop())

        if active is not self:
            raise AssertionError(
                f"Popped the wrong application context ({active!r} instead of"
                f" {self!r}); contexts must be popped in the reverse order they"
                " were pushed."
            )
        if appcontext_popped.receivers:
            appcontext_popped.send(self.app, _async_wrapper=self.app.ensure_sync)

    def __repr__(self) -> str:
        return f"<AppContext of {self.app.name!r}>"


class RequestContext(_Context):
    """Holds the current request and its session while it is handled.

    The application pushes one for each request; in tests, use
    ``with app.test_request_context(...):``. Pushing it also pushes an
    application context when none for the same app is active.
    """

    #: Streamed responses still to be sent with this context; see
    #: :attr:`AppContext._holds`.
    _holds = 0

    def __init__(
        self,
        app: Vial,
        environ: WSGIEnvironment,
        request: Request | None = None,
        session: SessionMixin | None = None,
    ) -> None:
        self.app = app
        if request is None:
            request = app.request_class(environ)
            request.json_module = app.json
        self.request: Request = request
        self.url_adapter: MapAdapter | None = None
        try:
            self.url_adapter = app.create_url_adapter(request)
        except HTTPException as e:
            request.routing_exception = e
        self.flashes: list[tuple[str, str]] | None = None
        self._session: SessionMixin | None = session
        self._after_request_functions: list[ft.AfterRequestCallable[t.Any]] = []
        self._cv_tokens: list[
            tuple[contextvars.Token[RequestContext], AppContext | None]
        ] = []

    @property
    def session(self) -> SessionMixin:
        """The session, opened from the request on first use."""
        session = self._session
        if session is None:
            interface = self.app.session_interface
            session = interface.open_session(self.app, self.request)
            if session is None:
                session = interface.make_null_session(self.app)
            self._session = session
        return session

    @session.setter
    def session(self, value: SessionMixin) -> None:
        self._session = value

    def copy(self) -> RequestContext:
        """Return a context for the same request and session, to push in
        another thread or task."""
        return self.__class__(
            self.app,
            environ=self.request.environ,
            request=self.request,
            session=self.session,
        )

    def match_request(self) -> None:
        """Match the request's URL; a failure is kept for dispatch to
        raise."""
        try:
            rule, view_args = self.url_adapter.match(return_rule=True)  # type: ignore[union-attr]
            self.request.url_rule = rule
            self.request.view_args = view_args  # type: ignore[assignment]
        except HTTPException as e:
            self.request.routing_exception = e

    def push(self) -> None:
        """Make this context (and an app context) the active one."""
        app_ctx = _cv_app.get(None)
        if app_ctx is None or app_ctx.app is not self.app:
            app_ctx = self.app.app_context()
            app_ctx.push()
        else:
            app_ctx = None

        self._cv_tokens.append((_cv_request.set(self), app_ctx))

        if self._session is None and not self.app._session_opens_lazily:
            self.session  # noqa: B018

        if self.url_adapter is not None:
            self.match_request()

    def pop(self, exc: BaseException | None = _sentinel) -> None:  # type: ignore[assignment]
        """Deactivate this context, running the request teardown functions
        when it is popped for the last time."""
        clear_request = len(self._cv_tokens) == 1 and not self._holds
        try:
            if clear_request:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                self.app.do_teardown_request(exc)
                request = self.request
                # werkzeug's close() only closes uploaded files; skip the call
                # when no form was parsed.
                if "files" in request.__dict__ or type(request).close is not _close:
                    request.close()
        finally:
            active = _cv_request.get(None)
            token, app_ctx = self._cv_tokens.pop()
            _cv_request.reset(token)
            if clear_request:
                # Break the cycle request -> environ -> request, so memory is
                # freed without waiting for the garbage collector.
                self.request.environ["werkzeug.request"] = None
                routing_exception = self.request.routing_exception
                if routing_exception is not None:
                    # A 404, 405 or redirect is control flow; its traceback
                    # (and the one of the error it replaced) holds frames that
                    # hold this context, a cycle only the garbage collector
                    # would free.
                    routing_exception.__traceback__ = None
                    routing_exception.__context__ = None
            if app_ctx is not None:
                app_ctx.pop(exc)

            if active is not self:
                raise AssertionError(
                    f"Popped the wrong request context ({active!r} instead of"
                    f" {self!r}); contexts must be popped in the reverse order"
                    " they were pushed."
                )

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.request.url!r}"
            f" [{self.request.method}] of {self.app.name}>"
        )
