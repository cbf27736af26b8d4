"""Token, HTTP basic and HTTP digest authentication for vial apps.

The Flask-HTTPAuth 4 API (:class:`HTTPBasicAuth`, :class:`HTTPDigestAuth`,
:class:`HTTPTokenAuth`, :class:`MultiAuth`), so code written for
Flask-HTTPAuth ports by changing ``flask_httpauth`` to ``vial_tokens``, and
:class:`TokenAuth`, which issues and checks signed or stored tokens itself.
"""

from __future__ import annotations

from .basic import HTTPBasicAuth as HTTPBasicAuth
from .digest import HTTPDigestAuth as HTTPDigestAuth
from .extension import IssuedToken as IssuedToken
from .extension import new_alt_id as new_alt_id
from .extension import TokenAuth as TokenAuth
from .httpauth import HTTPAuth as HTTPAuth
from .multi import MultiAuth as MultiAuth
from .signals import authentication_failed as authentication_failed
from .signals import token_issued as token_issued
from .signals import token_revoked as token_revoked
from .store import MemoryTokenStore as MemoryTokenStore
from .store import TokenRecord as TokenRecord
from .store import TokenStore as TokenStore
from .token import HTTPTokenAuth as HTTPTokenAuth
