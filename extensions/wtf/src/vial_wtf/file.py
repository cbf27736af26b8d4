"""File upload fields and their validators.

:class:`FileField` holds the uploaded :class:`~werkzeug.datastructures.FileStorage`
(``None`` when nothing was uploaded), :class:`MultipleFileField` a list of
them. A form reads uploads from ``request.files``, so the HTML form needs
``enctype="multipart/form-data"``.

The validators accept both fields; with several files, each file must pass.
"""

from __future__ import annotations

import os
import tempfile
import typing as t
from collections.abc import Iterable

from werkzeug.datastructures import FileStorage
from wtforms import fields as _fields
from wtforms.validators import StopValidation

if t.TYPE_CHECKING:
    from wtforms.fields.core import Field
    from wtforms.form import BaseForm

# A stream that cannot seek is measured by copying it in chunks of this size
# to a temporary file that stays in memory up to _SPOOL_SIZE bytes.
_CHUNK_SIZE = 64 * 1024
_SPOOL_SIZE = 1024 * 1024


def _uploads(data: t.Any) -> list[FileStorage]:
    if isinstance(data, FileStorage):
        return [data] if data else []
    if isinstance(data, (list, tuple)):
        return [item for item in data if isinstance(item, FileStorage) and item]
    return []


class FileField(_fields.FileField):
    """A file input whose data is the uploaded
    :class:`~werkzeug.datastructures.FileStorage`, or ``None``."""

    def process_formdata(self, valuelist: list[t.Any]) -> None:
        """Keep the first uploaded file; text values and empty file inputs
        are no upload."""
        uploads = _uploads(valuelist)
        if uploads:
            self.data = uploads[0]
        else:
            # With no file, the field reads as not filled in (InputRequired).
            self.raw_data = []


class MultipleFileField(_fields.MultipleFileField):
    """A file input taking several files; its data is a list of
    :class:`~werkzeug.datastructures.FileStorage`."""

    def process_formdata(self, valuelist: list[t.Any]) -> None:
        """Keep the uploaded files; text values and empty file inputs are no
        upload."""
        uploads = _uploads(valuelist)
        self.data = uploads
        if not uploads:
            self.raw_data = []


class FileRequired:
    """Require at least one uploaded file, and stop the validation chain
    when there is none.

    :param message: The error message; default "This field is required.".
    """

    field_flags = {"required": True}

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: BaseForm, field: Field) -> None:
        """Validate ``field``."""
        data = field.data
        if isinstance(data, (list, tuple)):
            ok = bool(data) and len(_uploads(data)) == len(data)
        else:
            ok = bool(_uploads(data))
        if not ok:
            raise StopValidation(
                self.message or field.gettext("This field is required.")
            )


class _UploadSet(t.Protocol):
    """What :class:`FileAllowed` uses of an upload set (Flask-Uploads' API)."""

    def file_allowed(self, storage: FileStorage, basename: str) -> bool: ...


class FileAllowed:
    """Allow only files with the given extensions, compared case-insensitively.

    :param upload_set: A list of extensions (``["jpg", "png"]``, a leading
        dot is ignored), or an upload set whose ``file_allowed(storage,
        basename)`` method decides.
    :param message: The error message; ``{extensions}`` in it is replaced by
        the allowed extensions.

    Fields without a file pass; combine with :class:`FileRequired`.
    """

    def __init__(
        self, upload_set: Iterable[str] | _UploadSet, message: str | None = None
    ) -> None:
        self.upload_set = upload_set
        self.message = message
        if isinstance(upload_set, str):
            upload_set = [upload_set]
        if hasattr(upload_set, "file_allowed"):
            self._extensions: tuple[str, ...] | None = None
        else:
            self._extensions = tuple(name.lower().lstrip(".") for name in upload_set)

    def _allowed(self, storage: FileStorage) -> bool:
        filename = os.path.basename(storage.filename or "")
        if self._extensions is None:
            upload_set = t.cast(_UploadSet, self.upload_set)
            return bool(upload_set.file_allowed(storage, filename))
        _, dot, extension = filename.rpartition(".")
        return bool(dot) and extension.lower() in self._extensions

    def __call__(self, form: BaseForm, field: Field) -> None:
        """Validate ``field``."""
        for storage in _uploads(field.data):
            if self._allowed(storage):
                continue
            if self._extensions is None:
                default = "File does not have an approved extension."
            else:
                default = "File does not have an approved extension: {extensions}"
            message = self.message or field.gettext(default)
            extensions = ", ".join(self._extensions or ())
            raise StopValidation(message.format(extensions=extensions))


def _stream_size(storage: FileStorage) -> int:
    """Return the size of an upload without reading it into memory."""
    stream = storage.stream
    try:
        position = stream.tell()
        size = stream.seek(0, os.SEEK_END)
        stream.seek(position)
        return size
    except (AttributeError, OSError, ValueError):
        pass
    # The stream cannot seek: copy it, counting, to a spooled file that
    # replaces it, so the view can still read the upload afterwards.
    spooled = tempfile.SpooledTemporaryFile(max_size=_SPOOL_SIZE)  # noqa: SIM115
    size = 0
    while chunk := stream.read(_CHUNK_SIZE):
        spooled.write(chunk)
        size += len(chunk)
    spooled.seek(0)
    storage.stream = t.cast(t.IO[bytes], spooled)
    return size


class FileSize:
    """Allow only files whose size in bytes is between ``min_size`` and
    ``max_size`` (inclusive).

    :param max_size: The largest size allowed.
    :param min_size: The smallest size allowed.
    :param message: The error message; ``{min_size}`` and ``{max_size}`` in
        it are replaced.

    The size is measured by seeking to the end of the upload, which werkzeug
    keeps in memory or in a temporary file; nothing is read. Set
    ``MAX_CONTENT_LENGTH`` too, so huge bodies are refused before parsing.
    Fields without a file pass.
    """

    def __init__(
        self, max_size: int, min_size: int = 0, message: str | None = None
    ) -> None:
        if min_size > max_size:
            raise ValueError(
                f"FileSize got min_size={min_size} above max_size={max_size};"
                " pass a min_size no larger than max_size."
            )
        self.max_size = max_size
        self.min_size = min_size
        self.message = message

    def __call__(self, form: BaseForm, field: Field) -> None:
        """Validate ``field``."""
        for storage in _uploads(field.data):
            size = _stream_size(storage)
            if self.min_size <= size <= self.max_size:
                continue
            message = self.message or field.gettext(
                "File must be between {min_size} and {max_size} bytes."
            )
            raise StopValidation(
                message.format(min_size=self.min_size, max_size=self.max_size)
            )


#: Flask-WTF's lower-case names for the validators.
file_required = FileRequired
file_allowed = FileAllowed
file_size = FileSize
