from __future__ import annotations

import io
import typing as t

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired

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
from vial_wtf import VialForm

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
    assert form["avatar"].data is storage
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
    assert form["photos"].data == [first, second]
    assert form.validate()
    form = _form(GalleryForm, photos=[empty])
    assert form["photos"].data == []
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
    assert Form(MultiDict({"pic": good})).validate()
    assert calls == [(good, "x.webp")]
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


def test_file_size_of_a_stream_that_cannot_seek(app_ctx: AppContext) -> None:
    data = b"x" * 200_000
    storage = FileStorage(t.cast(t.IO[bytes], _NoSeek(data)), filename="big.pdf")
    form = _form(OptionalFileForm, doc=storage)
    assert not form.validate()
    assert form.errors == {"doc": ["File must be between 0 and 5 bytes."]}
    # The upload can still be read in full afterwards.
    assert storage.read() == data
    storage.close()


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
