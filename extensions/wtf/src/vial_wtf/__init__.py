"""WTForms integration for vial apps: forms, CSRF protection, file uploads and
reCAPTCHA, with the Flask-WTF 1.3 API.

``Form`` is WTForms' form class, re-exported under that name as Flask-WTF does.
"""

from wtforms import Form as Form

from .csrf import csrf_meta_tag as csrf_meta_tag
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
from .file import safe_filename as safe_filename
from .file import UploadedFile as UploadedFile
from .form import FlaskForm as FlaskForm
from .form import VialForm as VialForm
from .recaptcha import Recaptcha as Recaptcha
from .recaptcha import RecaptchaField as RecaptchaField
from .recaptcha import RecaptchaWidget as RecaptchaWidget
