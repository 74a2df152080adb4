"""The hub's proxy (tobops/room/proxy.py) forwards a whole room's requests at once.

configurable-http-proxy's own limit is 10 requests in flight; an 11th waits in a queue and
fails after 20 s with "503 Timeout in request queue". Here twelve requests to a server that
answers each after 22 s all get through (the test takes about 23 s, mostly waiting)."""
from __future__ import annotations

import concurrent.futures as cf
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from conftest import free_ports, proxy

SLOW_S = 22  # longer than the 20 s a request may wait in tornado's queue
AT_ONCE = 12  # more than tornado's default of 10 requests in flight


class Slow(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        time.sleep(SLOW_S)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_target():
    port = free_ports(1)
    server = ThreadingHTTPServer(("127.0.0.1", port), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


def test_the_proxy_forwards_more_than_ten_slow_requests_at_once(slow_target):
    port = free_ports(2)
    with proxy(port, "--default-target", slow_target, "--proxy-timeout", "300000"):
        with cf.ThreadPoolExecutor(AT_ONCE) as pool:
            codes = list(pool.map(lambda i: requests.get(f"http://127.0.0.1:{port}/user/t{i:02d}/api/contents",
                                                         timeout=120).status_code, range(AT_ONCE)))
        assert codes == [200] * AT_ONCE, codes
