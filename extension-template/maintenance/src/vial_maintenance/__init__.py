"""Maintenance mode for vial apps: a 503 page (or JSON) switched from the CLI."""

from .extension import Maintenance as Maintenance
from .state import MaintenanceState as MaintenanceState
from .switch import current_notice as current_notice
from .switch import Notice as Notice
from .switch import switch_off as switch_off
from .switch import switch_on as switch_on
from .views import MaintenanceError as MaintenanceError
