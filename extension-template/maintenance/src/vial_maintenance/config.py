"""The ``MAINTENANCE_*`` configuration keys, their defaults and their meaning.

This list is the one place the keys are declared: ``init_app`` applies the
defaults with ``OPTIONS.apply(app)``, and the README's table and the docs
page's ``vial-config-table`` are rendered from it, so the documentation
cannot drift from the code.
"""

from __future__ import annotations

from vial.ext import ConfigOption
from vial.ext import ConfigOptions

OPTIONS = ConfigOptions(
    ConfigOption(
        "MAINTENANCE_ENABLED",
        False,
        "Answer every request with the maintenance page, switch file or not,"
        " for deployments that set the mode in their environment and restart."
        " ``vial maintenance on`` switches without a restart.",
    ),
    ConfigOption(
        "MAINTENANCE_SWITCH_FILE",
        None,
        "Path of the switch file that ``vial maintenance on`` creates and"
        " ``vial maintenance off`` removes; the app is in maintenance while"
        " it exists. Every worker process checks it, so they all switch at"
        " once. ``None`` means a file named ``maintenance`` in the app's"
        " instance folder.",
    ),
    ConfigOption(
        "MAINTENANCE_MESSAGE",
        "The site is being updated and will be back shortly.",
        "What the page and the JSON answer tell visitors, unless ``vial"
        " maintenance on --message`` gave another text.",
    ),
    ConfigOption(
        "MAINTENANCE_RETRY_AFTER",
        300,
        "Seconds sent in the ``Retry-After`` header of the 503 answer, which"
        " tells clients and crawlers when to come back. ``None`` leaves the"
        " header out.",
    ),
    ConfigOption(
        "MAINTENANCE_ALLOWED_IPS",
        [],
        "Client addresses served normally during maintenance, so the team"
        " can check the site before opening it again. The address is"
        " ``request.remote_addr``: behind a proxy, set up ``ProxyFix`` first.",
    ),
    ConfigOption(
        "MAINTENANCE_EXEMPT_ENDPOINTS",
        ["static"],
        "Endpoints served normally during maintenance, such as the static"
        " files the page uses or a health check for the load balancer.",
    ),
    ConfigOption(
        "MAINTENANCE_STATUS_URL",
        "/maintenance",
        "URL of the status page, which says whether the site is in"
        " maintenance (JSON for API clients) and is always served. ``None``"
        " adds no page.",
    ),
)
