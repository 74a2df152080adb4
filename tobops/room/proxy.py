"""The hub's proxy: configurable-http-proxy (its Python port), with room for a whole
training room's requests at once.

The proxy forwards every request with tornado's HTTP client, which by default runs at
most 10 at a time and queues the rest; a request that waits in that queue for 20 s fails,
and the trainee gets "503 Timeout in request queue". In a room, each *Validate* holds one
of the 10 for as long as the trainee's notebook runs (up to a minute when the whole room
presses it), so ten such requests made every other trainee's saves, page loads and
submissions fail (it happened in the 20-trainee load test). tornado's public
``AsyncHTTPClient.configure`` raises the limit before the proxy starts.

``tobops hub`` starts JupyterHub with this module as its proxy command
(``python -m tobops.room.proxy``, the proxy's own command-line options after it).
"""
from __future__ import annotations

from tornado.httpclient import AsyncHTTPClient

#: requests the proxy forwards at once: a room of 20 opening JupyterLab (a dozen requests
#: each) fits; each is two open sockets, well under the usual limit of 1,024 files
MAX_REQUESTS = 256


def main() -> None:
    AsyncHTTPClient.configure(None, max_clients=MAX_REQUESTS)
    from configurable_http_proxy.cli import main as proxy

    proxy()


if __name__ == "__main__":
    main()
