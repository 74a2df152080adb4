"""Shared fixtures. Every test runs with a temporary HOME, and anything a test generates
goes into pytest's temp folders, never into the repo."""
from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def mpl_cache(tmp_path_factory) -> Path:
    """A matplotlib config dir with the font cache already built, so that no notebook
    prints 'Matplotlib is building the font cache' on stderr."""
    path = tmp_path_factory.mktemp("mplconfig")
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], check=True,
                   env={**os.environ, "MPLCONFIGDIR": str(path)}, capture_output=True)
    return path


ISOLATED_VARS = ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "TOBOPS_EXCHANGE",
                 "TOBOPS_CELL_TIMEOUT", "TOBOPS_DATA_DIR")


def isolate(monkeypatch, home: Path, mpl_cache: Path) -> Path:
    """A temp HOME, the venv's tools first on PATH, and no setting of the developer's.

    Commands grade in their own process (``TOBOPS_SERVER=off``): a warm grader server per
    test's course would outlive the test. tests/test_server.py (and the hub's instructor)
    turn it on, each with a runtime folder of its own (XDG_RUNTIME_DIR), and stop what they start."""
    home.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TOBOPS_SERVER", "off")
    monkeypatch.setenv("MPLCONFIGDIR", str(mpl_cache))
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    for var in ISOLATED_VARS:
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch, mpl_cache):
    return isolate(monkeypatch, tmp_path / "home", mpl_cache)


@pytest.fixture(scope="module")
def module_env(tmp_path_factory, mpl_cache):
    """The same isolation for a module-scoped fixture (set up before any test's own)."""
    with pytest.MonkeyPatch.context() as mp:
        yield isolate(mp, tmp_path_factory.mktemp("module-home"), mpl_cache)


#: The lesson tests' dataset fixtures: fixture name -> dataset. Each test module gets its own
#: copy (``tobops.content.datasets.load`` keeps the parsed file and hands out copies); module scope,
#: because some modules build module-scoped fixtures on them.
DATASET_FIXTURES = {
    "deals": "deals", "stakeholders": "deal_stakeholders", "saas": "saas_accounts", "events": "events",
    "leads": "leads", "content": "content", "tickets": "tickets", "cohorts": "toc_cohorts",
    "metrics": "metrics_weekly", "training": "training_assessments", "visits": "client_visits",
    "cases": "case_library", "seed_users": "seed_users", "worklog": "ops_worklog", "plan": "content_plan",
}


def _dataset_fixture(fixture_name: str, dataset: str):
    def fixture():
        from tobops.content.datasets import load

        return load(dataset)

    fixture.__doc__ = f"The {dataset} dataset, a copy for this test module."
    return pytest.fixture(fixture, scope="module", name=fixture_name)


for _fixture_name, _dataset in DATASET_FIXTURES.items():
    globals()[_fixture_name] = _dataset_fixture(_fixture_name, _dataset)


def run(cmd: list[str], cwd: Path, timeout: int = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run a command as a user would type it; returns the completed process."""
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def free_ports(n: int = 1) -> int:
    """The first of ``n`` consecutive localhost ports nothing is bound to, for a server a test
    starts. They lie below the range the kernel hands out to outgoing connections: a port
    from that range (what binding port 0 gives) can be taken by any client between this check
    and the server's bind, which once made a test hub fail with "Address already in use"."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    pick = random.Random()  # not the seeded global: parallel test workers must not pick alike
    for _ in range(200):
        port = pick.randrange(10000, low - n)
        if all(_bindable(port + i) for i in range(n)):
            return port
    raise RuntimeError(f"no {n} free consecutive ports below {low}")


PROXY_TOKEN = "test-token"


@contextlib.contextmanager
def proxy(port: int, *args: str, api_port: int | None = None):
    """The hub's proxy (``python -m tobops.room.proxy``) on ``port``, its API on ``api_port``
    (default ``port + 1``), once both answer; stopped on leaving (test_proxy and test_hub)."""
    api_port = api_port or port + 1
    proc = subprocess.Popen([sys.executable, "-m", "tobops.room.proxy", "--ip", "127.0.0.1", "--port", str(port),
                             "--api-ip", "127.0.0.1", "--api-port", str(api_port), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={"CONFIGPROXY_AUTH_TOKEN": PROXY_TOKEN, "PATH": ""})
    try:
        deadline = time.monotonic() + 60
        while not _proxy_up(port, api_port):
            assert proc.poll() is None and time.monotonic() < deadline, "the proxy did not start"
            time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _proxy_up(port: int, api_port: int) -> bool:
    """Does the proxy's API answer, and does its public port listen?"""
    import requests

    try:
        requests.get(f"http://127.0.0.1:{api_port}/api/routes", timeout=2,
                     headers={"Authorization": f"token {PROXY_TOKEN}"}).raise_for_status()
    except requests.RequestException:
        return False
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


#: The longest modules start first, so that the two workers finish close together
#: (xdist hands out work in collection order; a group is one unit of work).
LONGEST_FIRST = ("test_hub.py", "test_stock_nbgrader.py", "test_demo.py", "test_grading.py", "test_lessons.py")


def pytest_collection_modifyitems(items):
    def rank(item):
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order within a module is kept
