"""The outbox in a database table, on SQLite and PostgreSQL, across processes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import typing as t
import uuid
from datetime import datetime
from datetime import timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import DATABASE_URL_VARIABLE
from conftest import OUTBOX_DATABASES

from vial import Vial
from vial_mail import Mail
from vial_mail import Message
from vial_mail import StoredMessage
from vial_mail.outbox_sql import SQLOutbox

MakeStore = t.Callable[[], SQLOutbox]


def test_postgresql_is_tested() -> None:
    """Say once when the PostgreSQL runs are left out; CI must not leave them."""
    if DATABASE_URL_VARIABLE not in os.environ:
        if os.environ.get("VIAL_CI") == "1":
            pytest.fail(f"{DATABASE_URL_VARIABLE} is not set, and VIAL_CI=1 is.")
        pytest.skip(
            f"{DATABASE_URL_VARIABLE} is not set: the outbox is tested on SQLite only"
        )
    assert "postgresql" in OUTBOX_DATABASES


@pytest.fixture(params=OUTBOX_DATABASES)
def outbox_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database for the outbox: an SQLite file, then PostgreSQL if given."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'outbox.sqlite3'}"
    url = os.environ[DATABASE_URL_VARIABLE]
    engine = sa.create_engine(url)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as e:
        pytest.fail(
            f"{DATABASE_URL_VARIABLE} is {url!r}, but that database cannot be"
            f" reached: {e}. Start the server, or unset the variable.",
            pytrace=False,
        )
    finally:
        engine.dispose()
    return url


@pytest.fixture
def table_name(outbox_url: str) -> t.Iterator[str]:
    """A table name of this test alone; the table is dropped afterwards."""
    name = f"mail_outbox_test_{uuid.uuid4().hex[:12]}"
    yield name
    engine = sa.create_engine(outbox_url)
    try:
        sa.Table(name, sa.MetaData()).drop(engine, checkfirst=True)
    finally:
        engine.dispose()


@pytest.fixture
def make_store(outbox_url: str, table_name: str) -> t.Iterator[MakeStore]:
    """Make stores on the test database and table; they close afterwards."""
    stores: list[SQLOutbox] = []

    def make() -> SQLOutbox:
        store = SQLOutbox(outbox_url, table_name)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


def _draft(subject: str, body: str | None = None) -> StoredMessage:
    message = Message(subject, sender=("Jürgen", "j@example.com"),
                      recipients=["ann@example.com"], bcc=["eve@example.com"],
                      body=body, html="<p>Grüße</p>")  # fmt: skip
    return StoredMessage.draft(message, message.envelope())


def test_keeps_and_finds_messages(make_store: MakeStore) -> None:
    store = make_store()
    assert store.latest() is None
    assert store.count() == 0
    draft = _draft("Grüße", body="Link: https://example.com/r?t=1")
    first = store.add(draft)
    second = store.add(_draft("Second"))
    assert second.id > first.id
    assert store.get(first.id) == first
    assert first == StoredMessage(**{**draft.__dict__, "id": first.id})
    assert first.sent_at.tzinfo is not None
    assert first.sent_at == draft.sent_at.replace(microsecond=first.sent_at.microsecond)
    assert first.recipients == ["ann@example.com", "eve@example.com"]
    assert first.raw == draft.raw
    assert first.links == ["https://example.com/r?t=1"]
    assert store.messages() == [first, second]
    assert store.latest() == second
    assert len(store) == 2
    assert store.get(second.id + 100) is None


def test_clear_keeps_the_numbering_going(make_store: MakeStore) -> None:
    store = make_store()
    last = store.add(_draft("One"))
    store.clear()
    assert store.messages() == []
    assert store.add(_draft("Two")).id > last.id


def test_sent_at_is_utc(make_store: MakeStore) -> None:
    store = make_store()
    before = datetime.now(timezone.utc).replace(microsecond=0)
    stored = store.add(_draft("Time"))
    (read,) = store.messages()
    assert read.sent_at.utcoffset() is not None
    assert read.sent_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert before <= read.sent_at <= datetime.now(timezone.utc)
    assert read.sent_at == stored.sent_at


def test_stores_on_one_table_see_each_other(make_store: MakeStore) -> None:
    # As two worker processes would: each has its own engine.
    first, second = make_store(), make_store()
    first.add(_draft("From the first"))
    second.add(_draft("From the second"))
    assert [m.subject for m in first.messages()] == [
        "From the first",
        "From the second",
    ]
    assert second.count() == 2


def test_table_is_created_once_when_many_start_together(make_store: MakeStore) -> None:
    stores = [make_store() for _ in range(4)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(stores))

    def add(store: SQLOutbox) -> None:
        try:
            barrier.wait(timeout=10)
            store.add(_draft("Race"))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=add, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert stores[0].count() == 4


WORKER = """
import sys
from vial import Vial
from vial_mail import Mail
url, table, tag = sys.argv[1:]
app = Vial("worker")
app.config.update(MAIL_BACKEND="outbox", MAIL_OUTBOX_URL=url,
                  MAIL_OUTBOX_TABLE=table, MAIL_DEFAULT_SENDER="app@example.com")
mail = Mail(app)
with app.app_context():
    for n in range(5):
        mail.send_message(f"{tag} {n}", recipients=["ann@example.com"],
                          body=f"https://example.com/{tag}/{n}")
"""


def test_worker_processes_share_the_outbox(
    outbox_url: str, table_name: str, make_store: MakeStore
) -> None:
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, outbox_url, table_name, tag])
        for tag in ("a", "b")
    ]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0]
    messages = make_store().messages()
    assert sorted(m.subject for m in messages) == [
        f"{tag} {n}" for tag in "ab" for n in range(5)
    ]
    assert len({m.id for m in messages}) == 10
    assert {m.links[0] for m in messages} == {
        f"https://example.com/{tag}/{n}" for tag in "ab" for n in range(5)
    }


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_worker_uses_connections_of_its_own(make_store: MakeStore) -> None:
    store = make_store()
    store.add(_draft("Parent, before the fork"))
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child process
        code = 1
        try:
            store.add(_draft("Child"))
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    # The parent's pooled connection still works after the child's exit.
    store.add(_draft("Parent, after"))
    assert [m.subject for m in store.messages()] == [
        "Parent, before the fork",
        "Child",
        "Parent, after",
    ]


def test_drop_and_recreate(make_store: MakeStore) -> None:
    store = make_store()
    store.add(_draft("Before"))
    store.drop()
    assert store.messages() == []


def test_repr_hides_the_password() -> None:
    store = SQLOutbox("postgresql+psycopg://user:secret@127.0.0.1/db", "t")
    assert repr(store) == (
        "<SQLOutbox postgresql+psycopg://user:***@127.0.0.1/db table 't'>"
    )
    store.close()


def test_default_is_an_sqlite_file_in_the_instance_folder(app: Vial) -> None:
    app.config["MAIL_BACKEND"] = "outbox"
    mail = Mail(app)
    with app.app_context():
        mail.send_message("Kept", recipients=["ann@example.com"])
        outbox = mail.outbox
        assert isinstance(outbox, SQLOutbox)
        assert [m.subject for m in outbox.messages()] == ["Kept"]
        outbox.close()
    assert (Path(app.instance_path) / "mail-outbox.sqlite3").is_file()


def test_through_mail_on_the_test_database(
    app: Vial, outbox_url: str, table_name: str
) -> None:
    app.config.update(
        MAIL_BACKEND="outbox", MAIL_OUTBOX_URL=outbox_url, MAIL_OUTBOX_TABLE=table_name
    )
    mail = Mail(app)
    with app.app_context():
        mail.send_message("Via Mail", recipients=["ann@example.com"])
        latest = mail.outbox.latest()
        mail.outbox.close()
    assert latest is not None
    assert latest.subject == "Via Mail"


def test_without_sqlalchemy_the_error_names_the_extra(
    app: Vial, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(sys.modules, "vial_mail.outbox_sql")
    monkeypatch.setitem(sys.modules, "sqlalchemy", None)
    app.config["MAIL_BACKEND"] = "outbox"
    with pytest.raises(RuntimeError) as info:
        Mail(app)
    assert "pip install vial-mail[outbox]" in str(info.value)
    assert "MAIL_OUTBOX_URL = 'memory://'" in str(info.value)


def test_missing_database_driver_is_named(app: Vial) -> None:
    app.config.update(MAIL_BACKEND="outbox", MAIL_OUTBOX_URL="mysql://u@127.0.0.1/db")
    with pytest.raises(RuntimeError, match=r"the module 'MySQLdb' is missing"):
        Mail(app)
