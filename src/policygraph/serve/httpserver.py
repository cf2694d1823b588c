"""Running the app: the listening socket, and uvicorn with a deadline for each request to arrive
whole and a bound on connections."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from starlette.applications import Starlette

__all__ = [
    "KEEP_ALIVE_SECONDS",
    "MAX_CONNECTIONS",
    "REQUEST_SECONDS",
    "exposed",
    "listen",
    "serve",
    "server",
]


def listen(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: any free port); OSError if the address is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


#: Connections (and requests in progress) at once; past it a request is answered 503 at once.
MAX_CONNECTIONS = 256
#: Seconds a client has to send a whole request (head and body) once connected or after its
#: previous answer; a connection that is slower is closed (a slowloris holds no slot).
REQUEST_SECONDS = 10.0
#: Seconds an idle keep-alive connection stays open.
KEEP_ALIVE_SECONDS = 5


def _protocol(seconds: float) -> type[asyncio.Protocol]:
    """uvicorn's HTTP/1.1 protocol with a deadline for each request to arrive whole.

    uvicorn 0.54 has no such timeout: its keep-alive timer starts after a first answer and stops
    when any byte arrives, so a client that sends a request's head a byte at a time, or never
    ends it, holds its connection (and a place under the connection limit) forever."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class DeadlineProtocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None

        def _arm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            self._deadline = self.loop.call_later(seconds, self._expired)

        def _expired(self) -> None:
            # IDLE: the head is not all here; SEND_BODY: the body is not. Either is too slow.
            slow = self.conn.their_state in (h11.IDLE, h11.SEND_BODY)
            if slow and not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            super().connection_lost(exc)

    return DeadlineProtocol


def server(
    app: Starlette,
    sock: socket.socket,
    *,
    max_connections: int = MAX_CONNECTIONS,
    request_seconds: float = REQUEST_SECONDS,
    keep_alive_seconds: int = KEEP_ALIVE_SECONDS,
) -> Any:
    """A uvicorn server for ``app`` on ``sock``; ``.run(sockets=[sock])`` serves until stopped."""
    import uvicorn

    config = uvicorn.Config(
        app,
        http=_protocol(request_seconds),
        log_config=None,  # our own one line per request (policygraph.serve)
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
        limit_concurrency=max_connections,
        timeout_keep_alive=keep_alive_seconds,
    )
    return uvicorn.Server(config)


def serve(app: Starlette, sock: socket.socket, *, max_connections: int = MAX_CONNECTIONS) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    server(app, sock, max_connections=max_connections).run(sockets=[sock])


def exposed(host: str) -> bool:
    """Whether binding ``host`` lets other machines connect (not a loopback address)."""
    import ipaddress

    if host.lower() == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return True  # a name: it may resolve to anything
