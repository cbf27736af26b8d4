"""SQLAlchemy for vial apps, with the API of Flask-SQLAlchemy 3.1."""

from .extension import SQLAlchemy as SQLAlchemy
from .model import Model as Model
from .outage import DatabaseUnavailable as DatabaseUnavailable
from .pagination import Pagination as Pagination
from .query import Query as Query
from .record_queries import get_recorded_queries as get_recorded_queries
from .record_queries import QueryInfo as QueryInfo
from .session import Session as Session
from .signals import before_models_committed as before_models_committed
from .signals import database_unavailable as database_unavailable
from .signals import models_committed as models_committed
from .state import SQLAlchemyState as SQLAlchemyState
