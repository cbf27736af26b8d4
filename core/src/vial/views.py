"""Class-based views: :class:`View` and the per-method :class:`MethodView`."""

from __future__ import annotations

import typing as t

from . import typing as ft
from .globals import current_app
from .globals import request

#: The lowercase names :class:`MethodView` treats as HTTP method handlers.
http_method_funcs = frozenset(
    ["get", "post", "head", "options", "delete", "put", "trace", "patch"]
)


class View:
    """A view written as a class, registered through :meth:`as_view`.

    Subclass it and implement :meth:`dispatch_request`:

    .. code-block:: python

        class Hello(View):
            methods = ["GET"]

            def __init__(self, greeting):
                self.greeting = greeting

            def dispatch_request(self, name):
                return f"{self.greeting}, {name}!"

        app.add_url_rule(
            "/hello/<name>", view_func=Hello.as_view("hello", "Hi")
        )

    By default a new instance is created for every request, so it is safe
    to store request data on ``self``. Set :attr:`init_every_request` to
    ``False`` to create one instance up front and save that cost.
    """

    #: The methods the view accepts, used when the URL rule gives none.
    #: ``None`` means the rule's own default (``GET``, with ``HEAD`` and
    #: ``OPTIONS`` added automatically).
    methods: t.ClassVar[t.Collection[str] | None] = None

    #: Whether ``OPTIONS`` is answered automatically. ``None`` leaves it to
    #: the URL rule (answered unless the view handles ``OPTIONS`` itself).
    provide_automatic_options: t.ClassVar[bool | None] = None

    #: Decorators applied, first to last, to the function :meth:`as_view`
    #: returns, so the last one listed is the outermost. Decorating the
    #: class itself would not decorate the view function.
    decorators: t.ClassVar[list[t.Callable[..., t.Any]]] = []

    #: Create a new instance for every request. When ``False``, one
    #: instance made by :meth:`as_view` serves every request, so instance
    #: attributes are shared between concurrent requests: store per-request
    #: data on :data:`~vial.g` instead.
    init_every_request: t.ClassVar[bool] = True

    def dispatch_request(self) -> ft.ResponseReturnValue:
        """Handle the request; URL variables are passed as keyword arguments."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement dispatch_request() to handle"
            " requests."
        )

    @classmethod
    def as_view(
        cls, name: str, *class_args: t.Any, **class_kwargs: t.Any
    ) -> ft.RouteCallable:
        """Return a view function for the URL rules.

        ``class_args`` and ``class_kwargs`` are passed to the class's
        constructor. The function has a ``view_class`` attribute, and
        ``methods`` and ``provide_automatic_options`` copied from the class.

        :param name: the view function's name, the default endpoint name.
        """
        if cls.init_every_request:

            def view(**kwargs: t.Any) -> ft.ResponseReturnValue:
                self = view.view_class(  # type: ignore[attr-defined]
                    *class_args, **class_kwargs
                )
                return current_app.ensure_sync(self.dispatch_request)(**kwargs)  # type: ignore[no-any-return]

        else:
            instance = cls(*class_args, **class_kwargs)

            def view(**kwargs: t.Any) -> ft.ResponseReturnValue:
                return current_app.ensure_sync(instance.dispatch_request)(**kwargs)  # type: ignore[no-any-return]

        if cls.decorators:
            # Decorators such as functools.wraps users copy these, so set
            # them before decorating as well as after.
            view.__name__ = name
            view.__module__ = cls.__module__

            for decorator in cls.decorators:
                view = decorator(view)

        # Set on the outermost function so routing and introspection see
        # them whatever the decorators did.
        view.view_class = cls  # type: ignore[attr-defined]
        view.__name__ = name
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        view.methods = cls.methods  # type: ignore[attr-defined]
        view.provide_automatic_options = cls.provide_automatic_options  # type: ignore[attr-defined]
        return view


class MethodView(View):
    """A view that calls the method named after the request's HTTP method.

    .. code-block:: python

        class CounterAPI(MethodView):
            def get(self):
                return str(session.get("counter", 0))

            def post(self):
                session["counter"] = session.get("counter", 0) + 1
                return redirect(url_for("counter"))

        app.add_url_rule("/counter", view_func=CounterAPI.as_view("counter"))

    :attr:`methods` is filled in from the handler methods the class and its
    bases define, unless the class sets it. ``HEAD`` requests use ``get``
    when there is no ``head`` method. Handlers may be ``async``.
    """

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)

        if "methods" in cls.__dict__:
            return

        methods: set[str] = set()

        for base in cls.__bases__:
            base_methods = getattr(base, "methods", None)

            if base_methods:
                methods.update(base_methods)

        for key in http_method_funcs:
            if hasattr(cls, key):
                methods.add(key.upper())

        if methods:
            cls.methods = methods

    def dispatch_request(self, **kwargs: t.Any) -> ft.ResponseReturnValue:
        """Call the handler method for the request's HTTP method."""
        handler = getattr(self, request.method.lower(), None)

        # HEAD is GET without the body; the server drops the body.
        if handler is None and request.method == "HEAD":
            handler = getattr(self, "get", None)

        assert handler is not None, (
            f"{type(self).__name__} does not implement the {request.method!r}"
            f" method; define a {request.method.lower()}() method to handle it."
        )
        return current_app.ensure_sync(handler)(**kwargs)  # type: ignore[no-any-return]
