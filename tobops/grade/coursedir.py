"""Where an nbgrader course lives and how to talk to it.

A *course home* is a folder holding ``nbgrader_config.py`` and the nbgrader course
directory ``assignments/`` (with ``source/``, ``release/``, ``submitted/``, ...). The repo
itself is one; ``tobops demo`` makes fresh ones in temp folders. All tobops instructor
commands take ``--course HOME`` (default: the current folder or the nearest parent that
has ``nbgrader_config.py``).
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from tobops.content.course import COURSE_ID, repo_root

CONFIG = "nbgrader_config.py"


class CourseError(RuntimeError):
    pass


def ensure_tools_on_path() -> None:
    """nbgrader shells out to ``alembic`` when it creates a gradebook: make sure the
    environment's own ``bin`` folder is on PATH even when the venv is not activated."""
    import sys

    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


@contextlib.contextmanager
def chdir(path: str | os.PathLike):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


@dataclass(frozen=True)
class Course:
    home: Path

    @property
    def root(self) -> Path:
        return self.home / "assignments"

    @property
    def db_path(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    def source(self, assessment: str) -> Path:
        return self.root / "source" / assessment

    def source_notebook(self, assessment: str) -> Path:
        return self.source(assessment) / f"{assessment}.ipynb"

    def submitted(self, student: str, assessment: str) -> Path:
        return self.root / "submitted" / student / assessment

    def autograded(self, student: str, assessment: str) -> Path:
        return self.root / "autograded" / student / assessment

    def feedback(self, student: str, assessment: str) -> Path:
        return self.root / "feedback" / student / assessment

    def assessments(self) -> list[str]:
        """Assessment ids in course order (the folders of ``source/``)."""
        src = self.root / "source"
        return sorted(p.name for p in src.iterdir() if p.is_dir() and not p.name.startswith(".")) if src.exists() else []

    def config(self):
        """The traitlets Config from this course's nbgrader_config.py (paths made absolute)."""
        from traitlets.config.loader import PyFileConfigLoader

        with chdir(self.home):
            cfg = PyFileConfigLoader(CONFIG, path=str(self.home)).load_config()
        cfg.CourseDirectory.root = str(self.root)
        return cfg

    def api(self, log: logging.Logger | None = None, kernel_manager: str | None = None):
        """An nbgrader API object working in this course (like formgrader uses).

        ``kernel_manager`` replaces the kernel manager class of nbgrader_config.py."""
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        ensure_tools_on_path()
        cfg = self.config()
        if kernel_manager:
            cfg.Execute.kernel_manager_class = kernel_manager
            cfg.LimitedExecute.kernel_manager_class = kernel_manager
        log = log or quiet_logger()
        coursedir = CourseDirectory(config=cfg, log=log)
        return NbGraderAPI(coursedir, config=cfg, log=log)

    def gradebook(self):
        from nbgrader.api import Gradebook

        ensure_tools_on_path()
        return Gradebook(self.db_url, course_id=COURSE_ID)


def quiet_logger(name: str = "tobops.nbgrader") -> logging.Logger:
    log = logging.getLogger(name)
    log.propagate = False
    log.setLevel(logging.INFO)
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    return log


def find(start: str | os.PathLike | None = None) -> Course:
    """The course home at or above ``start`` (default: the current folder)."""
    here = Path(start or os.getcwd()).resolve()
    for p in (here, *here.parents):
        if (p / CONFIG).exists() and (p / "assignments").is_dir():
            return Course(p)
    raise CourseError(f"no course found at or above {here}: expected a folder with {CONFIG} and assignments/. "
                      "Run from the course folder or pass --course DIR.")


def new_home(dest: str | os.PathLike, template: Path | None = None) -> Course:
    """Create a fresh course home in ``dest`` from the repo's config and assessment sources."""
    template = template or repo_root()
    dest = Path(dest)
    (dest / "assignments").mkdir(parents=True, exist_ok=True)
    shutil.copy2(template / CONFIG, dest / CONFIG)
    shutil.copytree(template / "assignments" / "source", dest / "assignments" / "source", dirs_exist_ok=True)
    return Course(dest.resolve())


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))
