"""Trainee mode shows no keys: `make lab` (tobops lab) opens JupyterLab in the trainee's
workspace, with the lessons of their edition, in their language, and (where bubblewrap
works) in a sandbox in which the item bank, nbgrader's source and the gradebook do not exist."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import BIN, REPO, free_ports
from tobops.grade.coursedir import new_home
from tobops.room import workspace

pytestmark = pytest.mark.slow


def test_a_workspace_has_the_lessons_of_the_edition_and_jupyterlab_in_its_language(tmp_path):
    home = workspace.prepare(tmp_path / "ws", REPO, "zh")
    assert sorted(p.name for p in (home / "lessons").glob("*.ipynb")) == \
        sorted(p.name for p in (REPO / "lessons" / "zh").glob("*.ipynb"))
    settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "translation-extension"
    assert json.loads((settings / "plugin.jupyterlab-settings").read_text()) == {"locale": "zh_CN"}
    en = workspace.prepare(tmp_path / "ws-en", REPO, "en")
    assert (en / "lessons" / "02-tob-vs-toc.ipynb").read_bytes() == (REPO / "lessons" / "02-tob-vs-toc.ipynb").read_bytes()


@pytest.mark.skipif(not shutil.which("bwrap"), reason="bubblewrap is not installed (make install installs it)")
def test_code_in_a_trainees_lab_cannot_see_the_bank_the_source_or_the_gradebook(tmp_path):
    course = new_home(tmp_path / "course")
    (course.root / "gradebook.db").write_text("pretend")
    home = workspace.prepare(tmp_path / "ws", REPO, "en")
    exchange = tmp_path / "exchange"
    targets = [course.bank_path("02-tob-vs-toc"), course.source_notebook("02-tob-vs-toc"), course.root / "gradebook.db",
               REPO / "assignments" / "bank" / "02-tob-vs-toc.toml", exchange / "tobops-academy" / "forms" / "other"]
    (exchange / "tobops-academy" / "forms" / "other").mkdir(parents=True)
    code = f"import os, json; print(json.dumps([os.path.exists(p) for p in {[str(t) for t in targets]!r}] + " \
           f"[os.path.exists({str(home / 'lessons')!r}), os.access({str(exchange / 'tobops-academy' / 'inbound')!r}, os.W_OK)]))"
    cmd = workspace.sandbox_command([sys.executable, "-c", code], home=home, exchange=exchange,
                                    course_id="tobops-academy", user="me")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen[:len(targets)] == [False] * len(targets), seen
    assert seen[len(targets):] == [True, True], "the workspace and the inbox are there"


def test_make_lab_opens_jupyterlab_in_the_workspace_not_the_repository_in_chinese(tmp_path):
    import requests

    course = new_home(tmp_path / "course")
    shutil.copytree(REPO / "lessons", course.home / "lessons")
    port = free_ports()
    env = {**os.environ, "JUPYTER_TOKEN": "lab-test-token"}
    proc = subprocess.Popen([str(BIN / "tobops"), "lab", "--port", str(port), "--course", str(course.home),
                             "--lang", "zh"],
                            cwd=course.home, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                r = requests.get(f"{base}/api/contents", params={"token": "lab-test-token"}, timeout=5)
                if r.status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read().decode()[-3000:]
            time.sleep(0.5)
        names = {c["name"] for c in r.json()["content"]}
        assert "lessons" in names, names
        assert not names & {"assignments", "nbgrader_config.py", "tobops"}, f"the lab shows {names}"
        first = (course.home / "workspace" / "lessons" / "00-welcome.ipynb").read_bytes()
        assert first == (REPO / "lessons" / "zh" / "00-welcome.ipynb").read_bytes(), "the Chinese edition's lessons"
        # JupyterLab itself in Simplified Chinese: the language pack is installed and selected
        packs = requests.get(f"{base}/lab/api/translations", params={"token": "lab-test-token"}, timeout=10).json()
        assert "zh_CN" in packs["data"], packs
        setting = requests.get(f"{base}/lab/api/settings/@jupyterlab/translation-extension:plugin",
                               params={"token": "lab-test-token"}, timeout=10).json()
        assert setting["settings"]["locale"] == "zh_CN", setting
        zh = requests.get(f"{base}/lab/api/translations/zh_CN", params={"token": "lab-test-token"}, timeout=10).json()
        assert zh["data"]["jupyterlab"]["Help"] == ["帮助"], "menus in Chinese"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_a_trainees_kernels_talk_over_sockets_of_their_own_not_localhost_ports(tmp_path, monkeypatch):
    """Twenty trainees' servers share the machine's network: TCP ports picked by one can be
    taken by another before its kernel binds them (a Validate failed so in a load test)."""
    import asyncio

    import nbformat
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from nbclient import NotebookClient
    from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader

    config_dir = workspace.TRAINEE_CONFIG
    server = JSONFileConfigLoader("jupyter_server_config.json", str(config_dir)).load_config()
    monkeypatch.setenv("TOBOPS_EXCHANGE", str(tmp_path / "exchange"))
    grading = PyFileConfigLoader("nbgrader_config.py", str(config_dir)).load_config()
    lab_class = AsyncMappingKernelManager(config=server).kernel_manager_class  # what the server uses
    assert lab_class == "tobops.room.kernels.LabKernelManager"
    assert grading.Execute.kernel_manager_class == "tobops.room.kernels.ValidateKernelManager"
    assert grading.Execute.iopub_timeout >= 30, "nbclient's 4 s failed a Validate in a busy room"

    from tobops.room.kernels import LabKernelManager, ValidateKernelManager

    nbs = [nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"print({i} * 7)")]) for i in range(4)]
    clients = [NotebookClient(nb, kernel_name="python3", kernel_manager_class=ValidateKernelManager) for nb in nbs]

    async def run_at_once():
        await asyncio.gather(*(c.async_execute(cleanup_kc=False) for c in clients))
        info = [c.km.get_connection_info() for c in clients]
        for c in clients:
            c.kc.stop_channels()
        await asyncio.gather(*(c.km.shutdown_kernel(now=True) for c in clients))
        lab = LabKernelManager(kernel_name="python3")
        await lab.start_kernel()
        info.append(lab.get_connection_info())
        await lab.shutdown_kernel(now=True)
        return info

    info = asyncio.run(run_at_once())
    assert [nb.cells[0].outputs[0]["text"] for nb in nbs] == [f"{i * 7}\n" for i in range(4)]
    assert {i["transport"] for i in info} == {"ipc"}
    folders = [os.path.dirname(i["ip"]) for i in info]
    assert len(set(folders)) == len(info), folders
    assert not any(os.path.exists(f) for f in folders), "a kernel's socket folder outlived it"
