"""A loopback TCP proxy that tests cut and restore, to play a database outage.

Put it in front of a real server (PostgreSQL, or Redis, or any TCP service)
and point the code under test at :attr:`TCPProxy.port`:
:meth:`~TCPProxy.cut` drops every open connection and refuses new ones, as a
server that went away does, and :meth:`~TCPProxy.restore` lets connections
through again. The server itself is never stopped, so a shared server (a
developer's, or CI's) stays up for everyone else. Standard library only;
nothing imports it but the tests that use it.

.. code-block:: python

    from vial_sqlalchemy.tcp_proxy import TCPProxy

    with TCPProxy("127.0.0.1", 5432) as proxy:
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/test"
        )
        ...
        proxy.cut()  # requests now get 503
        ...
        proxy.restore()  # and succeed again

.. versionadded:: 0.2
"""

from __future__ import annotations

import selectors
import socket
import threading
import typing as t

#: Seconds a thread of the proxy waits at most before it looks at its flags.
_TICK = 0.05


class TCPProxy:
    """Forward connections from a free loopback port to ``host``:``port``.

    One thread accepts, and one thread per connection copies bytes both
    ways; every thread looks at the proxy's flags at least every 50 ms, so
    :meth:`cut` and :meth:`close` take effect at once.

    :param host: the server's address.
    :param port: the server's port.
    """

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(_TICK)
        #: The port to connect to instead of the server's.
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._cut = False
        self._closed = False
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def __enter__(self) -> TCPProxy:
        return self

    def __exit__(self, *exc_info: t.Any) -> None:
        self.close()

    def cut(self) -> None:
        """Drop every open connection and refuse new ones until :meth:`restore`."""
        with self._lock:
            self._cut = True
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            _close(*pair)

    def restore(self) -> None:
        """Let new connections through again."""
        with self._lock:
            self._cut = False

    def close(self) -> None:
        """Cut, stop the proxy's threads and free the port."""
        self.cut()
        self._closed = True
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                refused = self._cut
            if refused:
                _close(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._pairs.append((client, server))
            thread = threading.Thread(
                target=self._pump, args=(client, server), daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _pump(self, client: socket.socket, server: socket.socket) -> None:
        """Copy bytes both ways until either side closes or the proxy cuts."""
        other = {client: server, server: client}
        with selectors.DefaultSelector() as selector:
            for sock in other:
                # Blocking with a timeout: recv after a read event returns
                # at once, and sendall waits for a slow reader.
                sock.settimeout(5)
                selector.register(sock, selectors.EVENT_READ)
            while not self._closed:
                try:
                    events = selector.select(_TICK)
                    for key, _ in events:
                        source = t.cast(socket.socket, key.fileobj)
                        data = source.recv(65536)
                        if not data:
                            raise ConnectionResetError
                        other[source].sendall(data)
                except (OSError, ValueError):
                    break
        _close(client, server)


def _close(*sockets: socket.socket) -> None:
    for sock in sockets:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
