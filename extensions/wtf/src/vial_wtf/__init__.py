"""WTForms integration for vial apps: forms, CSRF protection and file
uploads, with the Flask-WTF 1.2 API."""

from .csrf import CSRFError as CSRFError
from .csrf import CSRFProtect as CSRFProtect
from .csrf import generate_csrf as generate_csrf
from .csrf import validate_csrf as validate_csrf
from .file import file_allowed as file_allowed
from .file import file_required as file_required
from .file import file_size as file_size
from .file import FileAllowed as FileAllowed
from .file import FileField as FileField
from .file import FileRequired as FileRequired
from .file import FileSize as FileSize
from .file import MultipleFileField as MultipleFileField
from .form import FlaskForm as FlaskForm
from .form import VialForm as VialForm
