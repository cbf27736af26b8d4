from __future__ import annotations

import io
import typing as t

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired

from vial import request
from vial import Vial
from vial.testing import VialClient
from vial.typing import ResponseReturnValue
from vial_wtf import file_allowed
from vial_wtf import file_required
from vial_wtf import file_size
from vial_wtf import FileAllowed
from vial_wtf import FileField
from vial_wtf import FileRequired
from vial_wtf import FileSize
from vial_wtf import MultipleFileField
from vial_wtf import safe_filename
from vial_wtf import UploadedFile
from vial_wtf import VialForm
from vial_wtf.file import FALLBACK_STEM

if t.TYPE_CHECKING:
    from vial.ctx import AppContext


class UploadForm(VialForm):
    class Meta:
        csrf = False

    title = StringField(validators=[DataRequired()])
    avatar = FileField(
        validators=[FileRequired(), FileAllowed(["png", ".JPG"]), FileSize(100)]
    )


class GalleryForm(VialForm):
    class Meta:
        csrf = False

    photos = MultipleFileField(
        validators=[FileRequired(), FileAllowed(["png"]), FileSize(10, min_size=2)]
    )


class OptionalFileForm(VialForm):
    class Meta:
        csrf = False

    doc = FileField(validators=[FileAllowed(["pdf"]), FileSize(5)])


def _upload(data: bytes = b"png bytes", filename: str = "a.png") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=filename, name="avatar")


def _form(form_class: type[VialForm], **files: t.Any) -> VialForm:
    formdata: MultiDict[str, t.Any] = MultiDict()
    for name, value in files.items():
        for item in value if isinstance(value, list) else [value]:
            formdata.add(name, item)
    return form_class(formdata)


@pytest.fixture
def upload_app(app: Vial) -> Vial:
    """An app whose /upload view validates UploadForm from the request."""

    @app.post("/upload")
    def upload() -> ResponseReturnValue:
        form = UploadForm()
        if form.validate_on_submit():
            storage = form.avatar.data
            return {
                "title": form.title.data,
                "filename": storage.filename,
                "content": storage.read().decode(),
            }
        return form.errors_response()

    return app


# Fields


def test_file_field_data_is_the_upload(app_ctx: AppContext) -> None:
    storage = _upload()
    form = _form(UploadForm, avatar=storage, title="t")
    data = form["avatar"].data
    assert isinstance(data, UploadedFile)
    assert data.stream is storage.stream
    assert (data.filename, data.raw_filename, data.name) == ("a.png", "a.png", "avatar")
    assert data.content_type == storage.content_type
    assert form.validate()


def test_file_field_without_upload(app_ctx: AppContext) -> None:
    # No key, an empty file input (no file chosen), a plain text value.
    empty_input = FileStorage(io.BytesIO(b""), filename="", name="doc")
    cases: list[dict[str, t.Any]] = [{}, {"doc": empty_input}, {"doc": "a.png"}]
    for files in cases:
        form = _form(OptionalFileForm, **files)
        assert form["doc"].data is None
        assert form.validate()


def test_file_field_text_value_is_no_upload_for_input_required(
    app_ctx: AppContext,
) -> None:
    class Form(VialForm):
        class Meta:
            csrf = False

        doc = FileField(validators=[InputRequired()])

    form = Form(MultiDict({"doc": "name.txt"}))
    assert form.doc.data is None
    assert not form.validate()


def test_multiple_file_field(app_ctx: AppContext) -> None:
    first = _upload(b"abc", "1.png")
    second = _upload(b"defg", "2.png")
    empty = FileStorage(io.BytesIO(b""), filename="")
    form = _form(GalleryForm, photos=[first, empty, "text", second])
    photos = form["photos"].data
    assert [photo.stream for photo in photos] == [first.stream, second.stream]
    assert all(isinstance(photo, UploadedFile) for photo in photos)
    assert form.validate()
    form = _form(GalleryForm, photos=[empty])
    # As in Flask-WTF: no upload is None, not an empty list.
    assert form["photos"].data is None
    assert not form.validate()


def test_file_fields_render(app_ctx: AppContext) -> None:
    form = _form(GalleryForm)
    # FileRequired sets the required flag, which renders as an attribute.
    assert str(form["photos"]()) == (
        '<input id="photos" multiple name="photos" required type="file">'
    )
    assert str(_form(UploadForm)["avatar"]()) == (
        '<input id="avatar" name="avatar" required type="file">'
    )


# FileRequired


def test_file_required(app_ctx: AppContext) -> None:
    form = _form(UploadForm, title="t")
    assert not form.validate()
    # The chain stops: only FileRequired's message.
    assert form.errors == {"avatar": ["This field is required."]}
    assert form["avatar"].flags.required


def test_file_required_custom_message(app_ctx: AppContext) -> None:
    class Form(VialForm):
        class Meta:
            csrf = False

        doc = FileField(validators=[FileRequired("Send a document.")])

    form = Form(MultiDict())
    assert not form.validate()
    assert form.errors == {"doc": ["Send a document."]}


def test_file_required_with_bad_list_data(app_ctx: AppContext) -> None:
    form = _form(GalleryForm)
    form["photos"].data = [_upload(), "not a file"]
    assert not form.validate()
    assert form.errors == {"photos": ["This field is required."]}


# FileAllowed


@pytest.mark.parametrize("filename", ["a.png", "A.PNG", "photo.Jpg", "dir/x.y.png"])
def test_file_allowed_accepts_listed_extensions(
    app_ctx: AppContext, filename: str
) -> None:
    form = _form(UploadForm, avatar=_upload(filename=filename), title="t")
    assert form.validate(), form.errors


@pytest.mark.parametrize(
    "filename", ["a.gif", "png", "a.png.exe", "a.", "apng", "../evil.sh"]
)
def test_file_allowed_rejects_other_types(app_ctx: AppContext, filename: str) -> None:
    form = _form(UploadForm, avatar=_upload(filename=filename), title="t")
    assert not form.validate()
    assert form.errors == {
        "avatar": ["File does not have an approved extension: png, jpg"]
    }


def test_file_allowed_message_and_single_string(app_ctx: AppContext) -> None:
    class Form(VialForm):
        class Meta:
            csrf = False

        doc = FileField(validators=[FileAllowed("pdf", "Only {extensions}, please.")])

    assert Form(MultiDict({"doc": _upload(filename="x.pdf")})).validate()
    form = Form(MultiDict({"doc": _upload(filename="x.png")}))
    assert not form.validate()
    assert form.errors == {"doc": ["Only pdf, please."]}


def test_file_allowed_with_upload_set(app_ctx: AppContext) -> None:
    calls: list[tuple[FileStorage, str]] = []

    class Images:
        def file_allowed(self, storage: FileStorage, basename: str) -> bool:
            calls.append((storage, basename))
            return basename.endswith(".webp")

    class Form(VialForm):
        class Meta:
            csrf = False

        pic = FileField(validators=[FileAllowed(Images())])

    good = _upload(filename="path/to/x.webp")
    form = Form(MultiDict({"pic": good}))
    assert form.validate()
    assert calls == [(form["pic"].data, "x.webp")]
    form = Form(MultiDict({"pic": _upload(filename="x.png")}))
    assert not form.validate()
    assert form.errors == {"pic": ["File does not have an approved extension."]}


def test_file_allowed_each_of_several_files(app_ctx: AppContext) -> None:
    form = _form(
        GalleryForm, photos=[_upload(b"abc", "1.png"), _upload(b"abc", "2.gif")]
    )
    assert not form.validate()
    assert form.errors == {"photos": ["File does not have an approved extension: png"]}


# FileSize


def test_file_size_limits(app_ctx: AppContext) -> None:
    assert _form(OptionalFileForm, doc=_upload(b"12345", "a.pdf")).validate()
    form = _form(OptionalFileForm, doc=_upload(b"123456", "a.pdf"))
    assert not form.validate()
    assert form.errors == {"doc": ["File must be between 0 and 5 bytes."]}
    form = _form(GalleryForm, photos=[_upload(b"abc", "1.png"), _upload(b"a", "2.png")])
    assert not form.validate()
    assert form.errors == {"photos": ["File must be between 2 and 10 bytes."]}


def test_file_size_keeps_the_stream_position(app_ctx: AppContext) -> None:
    storage = _upload(b"0123456789", "a.pdf")
    storage.stream.seek(3)

    class Form(VialForm):
        class Meta:
            csrf = False

        doc = FileField(validators=[FileSize(10, message="{min_size}-{max_size}")])

    assert Form(MultiDict({"doc": storage})).validate()
    assert storage.stream.tell() == 3
    assert storage.read() == b"3456789"
    storage = _upload(b"0123456789ab", "a.pdf")
    form = Form(MultiDict({"doc": storage}))
    assert not form.validate()
    assert form.errors == {"doc": ["0-10"]}


class _NoSeek(io.RawIOBase):
    """A readable stream that cannot seek or tell, like a socket."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: t.Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


class _Unmarked:
    """A stream with read, tell and seek but no seekable(), like Python 3.10's
    SpooledTemporaryFile, werkzeug's upload stream."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.read = self._data.read
        self.tell = self._data.tell
        self.seek = self._data.seek


def test_file_size_of_a_stream_that_cannot_seek_is_a_type_error(
    app_ctx: AppContext,
) -> None:
    data = b"x" * 200
    storage = FileStorage(t.cast(t.IO[bytes], _NoSeek(data)), filename="big.pdf")
    form = _form(OptionalFileForm, doc=storage)
    with pytest.raises(TypeError, match=r"\(_NoSeek\) is not seekable.*io.BytesIO"):
        form.validate()
    # Nothing was read.
    assert storage.read() == data
    storage.close()


def test_file_size_of_a_stream_without_seekable(app_ctx: AppContext) -> None:
    storage = FileStorage(t.cast(t.IO[bytes], _Unmarked(b"123456")), filename="a.pdf")
    form = _form(OptionalFileForm, doc=storage)
    assert not form.validate()
    assert form.errors == {"doc": ["File must be between 0 and 5 bytes."]}


def test_file_size_lets_later_validators_run(app_ctx: AppContext) -> None:
    class Form(VialForm):
        class Meta:
            csrf = False

        doc = FileField(validators=[FileSize(1), FileAllowed(["pdf"])])

    form = Form(MultiDict({"doc": _upload(b"12", "a.png")}))
    assert not form.validate()
    assert form.errors == {
        "doc": [
            "File must be between 0 and 1 bytes.",
            "File does not have an approved extension: pdf",
        ]
    }


def test_file_size_rejects_min_above_max() -> None:
    with pytest.raises(ValueError, match="min_size=10 above max_size=5"):
        FileSize(5, min_size=10)


def test_aliases() -> None:
    assert file_required is FileRequired
    assert file_allowed is FileAllowed
    assert file_size is FileSize


# Uploads through the test client


def test_upload_end_to_end(upload_app: Vial, client: VialClient) -> None:
    response = client.post(
        "/upload",
        data={"title": "me", "avatar": (io.BytesIO(b"image"), "me.PNG")},
    )
    assert response.status_code == 200
    assert response.json == {"title": "me", "filename": "me.PNG", "content": "image"}


# Safe names


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("a.png", "a.png"),
        ("../../etc/passwd.png", "passwd.png"),
        ("shell.php\x00.png", "shell.php.png"),
        ("C:\\Users\\me\\a b.PNG", "a_b.PNG"),
        ("résumé.pdf", "resume.pdf"),
        ("照片.jpg", f"{FALLBACK_STEM}.jpg"),
        (".png", f"{FALLBACK_STEM}.png"),
        ("...", FALLBACK_STEM),
        ("照片", FALLBACK_STEM),
        ("a.", "a"),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_filename(raw: str | None, safe: str) -> None:
    assert safe_filename(raw) == safe
    assert safe_filename(safe) == safe


@pytest.mark.parametrize(
    ("raw", "safe"),
    [("../../etc/passwd.png", "passwd.png"), ("shell.php\x00.png", "shell.php.png")],
)
def test_hostile_upload_names_are_made_safe(
    upload_app: Vial, client: VialClient, raw: str, safe: str
) -> None:
    response = client.post(
        "/upload", data={"title": "me", "avatar": (io.BytesIO(b"image"), raw)}
    )
    assert response.status_code == 200
    assert response.json is not None
    assert response.json["filename"] == safe


def test_raw_filename_stays_available(app: Vial, client: VialClient) -> None:
    @app.post("/raw")
    def raw() -> ResponseReturnValue:
        form = UploadForm()
        assert form.validate_on_submit(), form.errors
        upload = form.avatar.data
        return {
            "filename": upload.filename,
            "raw_filename": upload.raw_filename,
            "request_files": request.files["avatar"].filename,
        }

    raw_name = "../x/../../etc/passwd.png"
    response = client.post(
        "/raw", data={"title": "t", "avatar": (io.BytesIO(b"a"), raw_name)}
    )
    assert response.json == {
        "filename": "passwd.png",
        "raw_filename": raw_name,
        "request_files": raw_name,
    }


def test_file_allowed_judges_the_safe_name(app_ctx: AppContext) -> None:
    # An upload set sees the safe name, never the path the client sent.
    seen: list[str] = []

    class Everything:
        def file_allowed(self, storage: FileStorage, basename: str) -> bool:
            seen.append(basename)
            return True

    allowed = FileAllowed(Everything())
    by_list = FileAllowed(["png"])

    class Form(VialForm):
        class Meta:
            csrf = False

        pic = FileField(validators=[allowed, by_list])

    # Passed as data, not formdata: the field keeps werkzeug's object, and
    # the validators still judge the safe name, the one a view saves under.
    form = Form(pic=FileStorage(io.BytesIO(b"x"), filename="../../etc/x.p\x00ng"))
    assert form.validate()
    assert seen == ["x.png"]
    form = Form(pic=FileStorage(io.BytesIO(b"x"), filename="shell.png\x00.php"))
    assert not form.validate()
    assert seen == ["x.png", "shell.png.php"]
    assert form.errors == {"pic": ["File does not have an approved extension: png"]}


def test_uploaded_file_is_made_once(app_ctx: AppContext) -> None:
    upload = UploadedFile.from_upload(_upload(filename="../a.png"))
    assert UploadedFile.from_upload(upload) is upload
    assert (upload.filename, upload.raw_filename) == ("a.png", "../a.png")


def test_oversize_upload_is_rejected(upload_app: Vial, client: VialClient) -> None:
    response = client.post(
        "/upload",
        data={"title": "me", "avatar": (io.BytesIO(b"x" * 101), "me.png")},
    )
    assert response.status_code == 400
    assert response.json == {
        "errors": {"avatar": ["File must be between 0 and 100 bytes."]}
    }


def test_wrong_type_upload_is_rejected(upload_app: Vial, client: VialClient) -> None:
    response = client.post(
        "/upload",
        data={"title": "me", "avatar": (io.BytesIO(b"MZ"), "me.exe")},
    )
    assert response.status_code == 400
    assert response.json == {
        "errors": {"avatar": ["File does not have an approved extension: png, jpg"]}
    }


def test_missing_upload_is_rejected(upload_app: Vial, client: VialClient) -> None:
    response = client.post("/upload", data={"title": "me"})
    assert response.status_code == 400
    assert response.json == {"errors": {"avatar": ["This field is required."]}}


def test_body_above_max_content_length_is_a_413(
    upload_app: Vial, client: VialClient
) -> None:
    upload_app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post(
        "/upload",
        data={"title": "me", "avatar": (io.BytesIO(b"x" * 5000), "me.png")},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (
            b'--frontier\r\nContent-Disposition: form-data; name="title"\r\n\r\nme',
            "multipart/form-data; boundary=frontier",
        ),
        (b"no boundary here at all", "multipart/form-data; boundary=frontier"),
        (
            b"--frontier\r\nnot a header line\r\n\r\n--frontier--\r\n",
            "multipart/form-data; boundary=frontier",
        ),
        (b"--x\r\n", "multipart/form-data"),
    ],
    ids=["unterminated", "no-parts", "bad-headers", "no-boundary-parameter"],
)
def test_malformed_multipart_body_is_a_clear_400(
    upload_app: Vial, client: VialClient, body: bytes, content_type: str
) -> None:
    response = client.post("/upload", data=body, content_type=content_type)
    assert response.status_code == 400
    assert "request body could not be parsed" in response.text
    assert "Send a complete, well-formed body" in response.text
