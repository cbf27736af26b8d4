"""Sending e-mail from vial apps, with the Flask-Mail 0.10 API.

SMTP with time limits, verified TLS and clear errors; a console backend for
development; an outbox backend, shared by every worker process, for tests
and a development page that lists sent messages.
"""

from .addresses import AddressLike as AddressLike
from .connection import Connection as Connection
from .errors import BadHeaderError as BadHeaderError
from .errors import MailSendError as MailSendError
from .extension import Mail as Mail
from .message import Attachment as Attachment
from .message import Message as Message
from .outbox import OutboxStore as OutboxStore
from .outbox import StoredMessage as StoredMessage
from .signals import email_dispatched as email_dispatched
from .state import MailState as MailState
