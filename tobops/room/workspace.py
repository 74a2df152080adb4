"""A trainee's workspace: what their JupyterLab shows, and nothing more.

Used by the course hub (one workspace per trainee account) and by ``tobops lab`` /
``make lab`` (one on this machine). A workspace is a folder with the lessons of the
trainee's edition (English, or Simplified Chinese from ``lessons/zh/``) and the
assessments they fetch; JupyterLab opens there, not at the repository root, in the
trainee's language (the Simplified Chinese language pack for ``zh``). Where bubblewrap
works, the server runs in a sandbox (:func:`sandbox_command`) that shows the workspace,
the released assessments (read-only), the trainee's own form and their inbox and feedback
folders, and no other file of the course: the item bank, nbgrader's source and the
gradebook do not exist for it.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from tobops.grade.sandbox import bwrap_args

#: the Jupyter configuration of a trainee's server (formgrader off, their own forms fetched)
TRAINEE_CONFIG = Path(__file__).resolve().parent / "hub_files" / "trainee"
#: JupyterLab's language setting, per edition
LOCALES = {"en": "en", "zh": "zh_CN"}
LAB_SETTINGS = {"@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"}}


#: the exchange's folders of the course hub (see :mod:`tobops.room.exchange`), here because a
#: trainee's sandbox is built from them, by a launcher that imports no nbgrader
PRIVATE = "private"
FORMS = "forms"


def private_root(root: str, course_id: str) -> Path:
    return Path(root) / course_id / PRIVATE


def forms_root(root: str, course_id: str) -> Path:
    return Path(root) / course_id / FORMS


def form_path(root: str, course_id: str, student: str, assessment: str) -> Path:
    return forms_root(root, course_id) / student / assessment / f"{assessment}.ipynb"


def ensure_private(root: str, course_id: str, trainee: str) -> tuple[Path, Path]:
    """Create (if needed) a trainee's private inbound and feedback folders."""
    base = private_root(root, course_id) / trainee
    inbound, feedback = base / "inbound", base / "feedback"
    for d in (inbound, feedback):
        d.mkdir(parents=True, exist_ok=True)
    os.chmod(base, 0o700)
    return inbound, feedback


def lessons_of(course_home: Path, lang: str) -> Path:
    base = Path(course_home) / "lessons"
    return base / "zh" if lang == "zh" and (base / "zh").is_dir() else base


def prepare(home: Path, course_home: Path, lang: str = "en") -> Path:
    """Create (or update the language of) a workspace: a first-day copy of the lessons of
    the edition, and JupyterLab user settings in the trainee's language."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    lessons = home / "lessons"
    if not lessons.exists():
        src = lessons_of(course_home, lang)
        lessons.mkdir()
        for nb in sorted(src.glob("*.ipynb")):
            shutil.copy(nb, lessons / nb.name)
    settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "translation-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"locale": LOCALES.get(lang, "en")}) + "\n")
    notify = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    notify.mkdir(parents=True, exist_ok=True)
    (notify / "notification.jupyterlab-settings").write_text(
        json.dumps(LAB_SETTINGS["@jupyterlab/apputils-extension:notification"]) + "\n")
    return home


def sandbox_command(cmd: list[str], *, home: Path, exchange: Path, course_id: str, user: str,
                    inbound: Path | None = None, feedback: Path | None = None) -> list[str]:
    """Run ``cmd`` (a trainee's JupyterLab) in a sandbox that shows the workspace ``home``,
    the released assessments and the trainee's own form (read-only), and their inbox
    (writable) and feedback: private folders on the hub, the exchange's own otherwise."""
    course_ex = Path(exchange) / course_id
    forms = forms_root(str(exchange), course_id) / user
    for d in (course_ex / "outbound", course_ex / "inbound", course_ex / "feedback", forms):
        d.mkdir(parents=True, exist_ok=True)
    return bwrap_args(home=str(home), pid_namespace=True, as_nobody=False,
                      ro_binds=[(course_ex / "outbound", course_ex / "outbound"), (forms, forms),
                                (feedback or course_ex / "feedback", course_ex / "feedback")],
                      binds=[(inbound or course_ex / "inbound", course_ex / "inbound")]) + cmd


def run_lab(course_home: Path, exchange: str, course_id: str, lang: str = "en", where: Path | None = None,
            port: int | None = None) -> None:
    """``tobops lab``: JupyterLab for a trainee on this machine, in their workspace
    (default ``<course>/workspace``), sandboxed where bubblewrap works. Replaces this process."""
    import os
    import sys

    from nbgrader.utils import get_username

    from tobops.grade.coursedir import ensure_tools_on_path
    from tobops.grade.sandbox import bwrap

    ensure_tools_on_path()
    home = prepare(Path(where or Path(course_home) / "workspace").resolve(), Path(course_home), lang)
    jupyter = shutil.which("jupyter")
    cmd = [jupyter, "lab", f"--ServerApp.root_dir={home}", "--LabApp.default_url=/lab/tree/lessons/00-welcome.ipynb"]
    if port:
        cmd.append(f"--ServerApp.port={port}")
    env = dict(os.environ, TOBOPS_EXCHANGE=str(exchange), JUPYTER_CONFIG_PATH=str(TRAINEE_CONFIG),
               JUPYTERLAB_SETTINGS_DIR=str(home / ".jupyter" / "lab" / "user-settings"))
    if bwrap():
        if os.geteuid() == 0:  # root only inside its own user namespace
            cmd.append("--allow-root")
        cmd = sandbox_command(cmd, home=home, exchange=Path(exchange), course_id=course_id, user=get_username())
    else:
        print("NOTE: bubblewrap is not available: JupyterLab opens in the workspace, but code run in it can read "
              "the rest of this machine (the item bank included).", file=sys.stderr)
    print(f"JupyterLab for {get_username()} in {home} (language {lang}); stop with Ctrl-C", flush=True)
    os.execve(cmd[0], cmd, env)
