"""Where an nbgrader course lives and how to talk to it.

A *course home* is a folder holding ``nbgrader_config.py`` and the nbgrader course
directory ``assignments/`` (with ``source/``, ``release/``, ``submitted/``, ...). The repo
itself is one; ``tobops demo`` makes fresh ones in temp folders. All tobops instructor
commands take ``--course HOME`` (default: the current folder or the nearest parent that
has ``nbgrader_config.py``).

Folder names come from nbgrader's own :class:`~nbgrader.coursedir.CourseDirectory`
(configured by ``nbgrader_config.py``), so a course that renames ``submitted/`` or changes
``directory_structure`` keeps working.
"""
from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from tobops import TobopsError
from tobops.content.course import repo_root
from tobops.settings import COURSE_DIR, Settings

CONFIG = "nbgrader_config.py"


class CourseError(TobopsError):
    pass


def ensure_tools_on_path() -> None:
    """nbgrader shells out to ``alembic`` when it creates a gradebook: make sure the
    environment's own ``bin`` folder is on PATH even when the venv is not activated."""
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

    # ------------------------------------------------------------------ nbgrader's view
    def config(self, settings: Settings | None = None):
        """The traitlets Config of this course's ``nbgrader_config.py``; with ``settings``,
        those are written over it (the CLI's explicit options)."""
        from traitlets.config.loader import PyFileConfigLoader

        with chdir(self.home):
            cfg = PyFileConfigLoader(CONFIG, path=str(self.home)).load_config()
        if settings is not None:
            settings.apply(cfg, self.home)
        return cfg

    @functools.cached_property
    def coursedir(self):
        from nbgrader.coursedir import CourseDirectory

        return CourseDirectory(config=self.config(), log=quiet_logger())

    @property
    def course_id(self) -> str:
        return self.coursedir.course_id

    @property
    def root(self) -> Path:
        return Path(self.coursedir.root)

    def _path(self, step: str, student: str, assessment: str) -> Path:
        cd = self.coursedir
        return Path(os.path.normpath(cd.format_path(getattr(cd, f"{step}_directory"), student, assessment)))

    def source(self, assessment: str) -> Path:
        return self._path("source", ".", assessment)

    def release(self, assessment: str) -> Path:
        return self._path("release", ".", assessment)

    def submitted(self, student: str, assessment: str) -> Path:
        return self._path("submitted", student, assessment)

    def autograded(self, student: str, assessment: str) -> Path:
        return self._path("autograded", student, assessment)

    def feedback(self, student: str, assessment: str) -> Path:
        return self._path("feedback", student, assessment)

    def source_notebook(self, assessment: str) -> Path:
        return self.source(assessment) / f"{assessment}.ipynb"

    def submitters(self, assessment: str) -> list[str]:
        """Trainees with a collected submission of ``assessment``."""
        found = self._path("submitted", "*", assessment)
        return sorted(p.parent.name for p in found.parent.parent.glob(f"*/{found.name}") if p.is_dir())

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    @property
    def db_path(self) -> Path:
        url = self.db_url
        if not url.startswith("sqlite:///"):
            raise CourseError(f"tobops keeps its results beside an SQLite gradebook; this course uses {url}")
        return Path(url[len("sqlite:///"):].split("?", 1)[0])

    def assessments(self) -> list[str]:
        """Assessment ids in course order (the folders of ``source/``)."""
        src = self.source("x").parent
        return sorted(p.name for p in src.iterdir() if p.is_dir() and not p.name.startswith(".")) if src.exists() else []

    # ------------------------------------------------------------------ nbgrader objects
    def api(self, log: logging.Logger | None = None, kernel_manager: str | None = None,
            settings: Settings | None = None, validate_once: bool = False, batched: bool = False):
        """An nbgrader API object working in this course (like formgrader uses).

        ``kernel_manager`` replaces the kernel manager class of nbgrader_config.py.
        ``validate_once``: nbconvert checks each notebook against the format once after all
        of a pass's steps, not after each of its dozen (its ``Exporter.optimistic_validation``):
        an invalid notebook still fails the pass.
        ``batched``: nbgrader's OverwriteCells and SaveAutoGrades read the gradebook once per
        notebook and commit once (:mod:`tobops.grade.batched`)."""
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        ensure_tools_on_path()
        cfg = self.config(settings)
        if kernel_manager:
            cfg.Execute.kernel_manager_class = kernel_manager
            cfg.LimitedExecute.kernel_manager_class = kernel_manager
        if validate_once:
            cfg.Exporter.optimistic_validation = True
        if batched:
            from nbgrader.converters import Autograde
            from traitlets.utils.importstring import import_item

            from tobops.grade.batched import REPLACES

            for steps in ("sanitize_preprocessors", "autograde_preprocessors"):
                given = cfg.Autograde[steps] if steps in cfg.Autograde else Autograde.class_traits()[steps].default()
                cfg.Autograde[steps] = [REPLACES.get(import_item(s) if isinstance(s, str) else s, s) for s in given]
        log = log or quiet_logger()
        coursedir = CourseDirectory(config=cfg, log=log)
        return NbGraderAPI(coursedir, config=cfg, log=log)

    def gradebook(self):
        from nbgrader.api import Gradebook

        ensure_tools_on_path()
        return Gradebook(self.db_url, course_id=self.course_id)

    def results(self):
        from tobops.grade.results import ResultStore

        return ResultStore(self.db_path)

    def roster(self):
        from tobops.grade.roster import Roster

        return Roster(self.db_path)

    def bank_path(self, assessment: str) -> Path:
        from tobops.assess.bank import bank_dir

        return bank_dir(self.root) / f"{assessment}.toml"

    def bank(self, assessment: str):
        from tobops.assess.bank import load

        return load(self.bank_path(assessment))


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
        if (p / CONFIG).exists() and (p / COURSE_DIR).is_dir():
            return Course(p)
    raise CourseError(f"no course found at or above {here}: expected a folder with {CONFIG} and {COURSE_DIR}/. "
                      "Run from the course folder or pass --course DIR.")


def new_home(dest: str | os.PathLike, template: Path | None = None) -> Course:
    """Create a fresh course home in ``dest`` from the repo's config and assessment sources."""
    template = Course(Path(template or repo_root()))
    dest = Path(dest)
    (dest / COURSE_DIR).mkdir(parents=True, exist_ok=True)
    shutil.copy2(template.home / CONFIG, dest / CONFIG)
    course = Course(dest.resolve())
    shutil.copytree(template.source("x").parent, course.source("x").parent, dirs_exist_ok=True)
    bank = template.bank_path("x").parent
    if bank.is_dir():
        shutil.copytree(bank, course.bank_path("x").parent, dirs_exist_ok=True)
    return course
