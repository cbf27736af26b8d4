"""File upload fields and their validators.

:class:`FileField` holds the uploaded file (``None`` when nothing was
uploaded), :class:`MultipleFileField` a list of them. A form reads uploads
from ``request.files``, so the HTML form needs
``enctype="multipart/form-data"``.

The name a client sends with a file is not to be trusted: it can climb out
of a folder (``../../etc/passwd.png``) or hide a NUL byte
(``shell.php\\x00.png``). The fields therefore give each upload a safe name,
:func:`safe_filename` of the one sent, as an :class:`UploadedFile` whose
``filename`` can be joined to a folder as it is; the name the client sent
stays in its ``raw_filename`` (and in ``request.files``). The validators
accept both fields; with several files, each file must pass.
"""

from __future__ import annotations

import os
import typing as t
from collections.abc import Iterable

from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename
from wtforms import fields as _fields
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError

if t.TYPE_CHECKING:
    from wtforms.fields.core import Field
    from wtforms.form import BaseForm

#: The stem :func:`safe_filename` gives a name that has none left.
FALLBACK_STEM = "upload"


def safe_filename(filename: str | None) -> str:
    """Return a name for an upload that is safe to use as a file name.

    The last part of the name (browsers on Windows once sent whole paths,
    ``C:\\Users\\me\\a.png``), through werkzeug's
    :func:`~werkzeug.utils.secure_filename`: ASCII letters, digits, ``_``,
    ``-`` and ``.`` only, no leading dot. A name whose stem has no such
    character (``照片.jpg``) keeps its extension after the stem ``upload``
    (``upload.jpg``), and a name with nothing left becomes ``upload``, so a
    file that was sent never loses its name. Applying it to its own result
    changes nothing.

    :param filename: the name the client sent; ``None`` or ``""`` give ``""``.
    """
    if not filename:
        return ""
    basename = filename.replace("\\", "/").rpartition("/")[2]
    safe = secure_filename(basename)
    _, dot, extension = basename.rpartition(".")
    extension = secure_filename(extension) if dot else ""
    if extension and safe in ("", extension):
        return f"{FALLBACK_STEM}.{extension}"
    return safe or FALLBACK_STEM


class UploadedFile(FileStorage):
    """An upload whose :attr:`filename` is safe (see :func:`safe_filename`).

    It reads from the same stream as the upload it was made from; everything
    else (``save()``, ``content_type``, ``headers``, ...) is werkzeug's
    :class:`~werkzeug.datastructures.FileStorage`.
    """

    #: The name the client sent, unchanged. Never join it to a path.
    raw_filename: str | None

    @classmethod
    def from_upload(cls, storage: FileStorage) -> UploadedFile:
        """Return ``storage`` with a safe name; an :class:`UploadedFile` is
        returned as it is."""
        if isinstance(storage, cls):
            return storage
        uploaded = cls(
            stream=storage.stream,
            filename=safe_filename(storage.filename),
            name=storage.name,
            headers=storage.headers,
        )
        uploaded.raw_filename = storage.filename
        return uploaded


def _uploads(data: t.Any) -> list[FileStorage]:
    if isinstance(data, FileStorage):
        return [data] if data else []
    if isinstance(data, (list, tuple)):
        return [item for item in data if isinstance(item, FileStorage) and item]
    return []


class FileField(_fields.FileField):
    """A file input whose data is the uploaded file, an :class:`UploadedFile`
    with a safe name, or ``None``."""

    def process_formdata(self, valuelist: list[t.Any]) -> None:
        """Keep the first uploaded file; text values and empty file inputs
        are no upload."""
        uploads = _uploads(valuelist)
        if uploads:
            self.data = UploadedFile.from_upload(uploads[0])
        else:
            # With no file, the field reads as not filled in (InputRequired).
            self.raw_data = []


class MultipleFileField(_fields.MultipleFileField):
    """A file input taking several files; its data is a list of
    :class:`UploadedFile` with safe names, or ``None`` when none was
    uploaded."""

    def process_formdata(self, valuelist: list[t.Any]) -> None:
        """Keep the uploaded files; text values and empty file inputs are no
        upload."""
        uploads = _uploads(valuelist)
        if uploads:
            self.data = [UploadedFile.from_upload(upload) for upload in uploads]
        else:
            # None as in Flask-WTF, though WTForms' stubs type data a list.
            self.data = t.cast(t.Any, None)
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

    The extension is read from the upload's safe name (:func:`safe_filename`),
    the one a view saves it under, never from the raw name the client sent:
    ``shell.php\\x00.png`` is judged as ``shell.php.png``. Fields without a
    file pass; combine with :class:`FileRequired`.
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
        filename = safe_filename(storage.filename)
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
    """Return the size of an upload by seeking, without reading it.

    :raises TypeError: the stream cannot seek.
    """
    stream = storage.stream
    # Python 3.10's SpooledTemporaryFile, werkzeug's upload stream, has no
    # seekable() but seeks; a stream saying it cannot seek is not tried.
    seekable = getattr(stream, "seekable", None)
    try:
        if seekable is not None and not seekable():
            raise OSError("not seekable")
        position = stream.tell()
        size = stream.seek(0, os.SEEK_END)
        stream.seek(position)
    except (AttributeError, OSError, ValueError) as e:
        raise TypeError(
            f"The upload's stream ({type(stream).__name__}) is not seekable, so"
            " FileSize cannot measure it. Give FileStorage a seekable stream,"
            " such as io.BytesIO or a tempfile.SpooledTemporaryFile holding"
            " the data (werkzeug's request parsing always does)."
        ) from e
    return size


class FileSize:
    """Allow only files whose size in bytes is between ``min_size`` and
    ``max_size`` (inclusive).

    :param max_size: The largest size allowed.
    :param min_size: The smallest size allowed.
    :param message: The error message; ``{min_size}`` and ``{max_size}`` in
        it are replaced.

    The size is measured by seeking to the end of the upload, which werkzeug
    keeps in memory or in a temporary file; nothing is read, and the read
    position is left where it was. An upload built by hand on a stream that
    cannot seek is a :exc:`TypeError`, as in Flask-WTF. Set
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
        """Validate ``field``.

        :raises TypeError: an upload's stream cannot seek.
        """
        for storage in _uploads(field.data):
            size = _stream_size(storage)
            if self.min_size <= size <= self.max_size:
                continue
            message = self.message or field.gettext(
                "File must be between {min_size} and {max_size} bytes."
            )
            raise ValidationError(
                message.format(min_size=self.min_size, max_size=self.max_size)
            )


#: Flask-WTF's lower-case names for the validators.
file_required = FileRequired
file_allowed = FileAllowed
file_size = FileSize
