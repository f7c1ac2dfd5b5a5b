"""A real HTTP server on 127.0.0.1 served from a daemon thread: what every fake provider runs."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["LocalServer"]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not hold up close
    request_queue_size = 256  # many clients connect at once


class LocalServer:
    """Serves ``handler`` on 127.0.0.1 (``port`` 0: any free port) until ``close``."""

    def __init__(
        self, handler: type[BaseHTTPRequestHandler], *, port: int = 0, poll: float = 0.05
    ) -> None:
        self._server = _Server(("127.0.0.1", port), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": poll}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
