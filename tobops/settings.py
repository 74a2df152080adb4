"""Every setting the course tools share, in one object, read once.

A :class:`Settings` holds the course id, the exchange folder and the limits put on graded
trainee code. It is built in exactly one place, :meth:`Settings.load`: defaults, then the
``TOBOPS_*`` environment variables, then what the caller (the CLI) passes explicitly.
From there it is passed along as an argument: to ``tobops grade``'s workers, to the fork
server, to the kernel launcher (as command-line flags), and into nbgrader's traitlets
config by :meth:`Settings.apply`, which ``nbgrader_config.py`` also calls, so the stock
``nbgrader`` commands see the same values.

========================  ==============================  =========
environment variable      meaning                         default
========================  ==============================  =========
TOBOPS_EXCHANGE           nbgrader exchange folder         ``<course>/.exchange``
TOBOPS_CELL_TIMEOUT       seconds a graded cell may run    30
TOBOPS_NOTEBOOK_TIMEOUT   seconds for a whole notebook     300
TOBOPS_MAX_OUTPUT_KB      output kept per cell (kB)        1000
TOBOPS_MEMORY_MB          kernel address space (MB)        1024
TOBOPS_CPU_SECONDS        kernel CPU time (s)              300
TOBOPS_FILE_MB            largest file a kernel writes     64
========================  ==============================  =========
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Mapping

from tobops import TobopsError

COURSE_ID = "tobops-academy"
COURSE_DIR = "assignments"  # the nbgrader course directory inside a course home
DB_BUSY_TIMEOUT_S = 60
#: seconds nbgrader's Execute waits, after a cell's reply, for the kernel's last output
#: (nbclient's 4 s, past which nbgrader fails the whole notebook, was not enough for a
#: Validate when a room of 20 pressed it at once on 2 cores)
IOPUB_WAIT_S = 30


@dataclass(frozen=True)
class Limits:
    """What graded trainee code may use. Defaults are the course's; see the module table."""

    cell_timeout: int = 30
    notebook_timeout: int = 300
    max_output_kb: int = 1000
    memory_mb: int = 1024
    cpu_seconds: int = 300
    file_mb: int = 64

    ENV = {"cell_timeout": "TOBOPS_CELL_TIMEOUT", "notebook_timeout": "TOBOPS_NOTEBOOK_TIMEOUT",
           "max_output_kb": "TOBOPS_MAX_OUTPUT_KB", "memory_mb": "TOBOPS_MEMORY_MB",
           "cpu_seconds": "TOBOPS_CPU_SECONDS", "file_mb": "TOBOPS_FILE_MB"}

    def for_kernel(self) -> "Limits":
        """Only what a kernel process itself is held to (memory, CPU time, file size); the
        time limits are the grader's. A kernel template is made for, and keyed by, these."""
        return Limits(memory_mb=self.memory_mb, cpu_seconds=self.cpu_seconds, file_mb=self.file_mb)

    def describe(self) -> str:
        return (f"cell {self.cell_timeout} s, notebook {self.notebook_timeout} s, memory {self.memory_mb} MB, "
                f"CPU {self.cpu_seconds} s, files {self.file_mb} MB")


#: the variables a grade depends on: a warm grader server started with other values is stale
GRADING_VARS = (*Limits.ENV.values(), "TOBOPS_EXCHANGE", "TOBOPS_DATA_DIR")


class SettingsError(TobopsError, ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    course_id: str = COURSE_ID
    exchange: str | None = None  # None: <course home>/.exchange
    limits: Limits = field(default_factory=Limits)

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, **overrides) -> "Settings":
        """Defaults, then the environment, then ``overrides`` (limit names or fields;
        ``None`` values are ignored, so CLI options that were not given change nothing)."""
        env = os.environ if env is None else env
        limits: dict[str, int] = {}
        for name, var in Limits.ENV.items():
            if env.get(var, "").strip():
                limits[name] = _positive_int(var, env[var])
        given = {k: v for k, v in overrides.items() if v is not None}
        for name in list(given):
            if name in Limits.ENV:
                limits[name] = _positive_int(f"--{name.replace('_', '-')}", given.pop(name))
        exchange = given.pop("exchange", None) or env.get("TOBOPS_EXCHANGE") or None
        unknown = set(given) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return cls(exchange=exchange, limits=Limits(**limits), **given)

    def replace(self, **limits) -> "Settings":
        """A copy with some limits changed."""
        return dataclasses.replace(self, limits=dataclasses.replace(self.limits, **limits))

    def exchange_root(self, course_home: str | os.PathLike) -> str:
        return str(self.exchange or os.path.join(os.path.abspath(course_home), ".exchange"))

    def apply(self, c, course_home: str | os.PathLike | None = None) -> None:
        """Write these settings into an nbgrader (traitlets) config object for the course
        in ``course_home`` (default: the current folder, where nbgrader reads its config)."""
        lim = self.limits
        home = os.path.abspath(course_home or os.getcwd())
        root = os.path.join(home, COURSE_DIR)
        c.CourseDirectory.course_id = self.course_id
        c.CourseDirectory.root = root
        # SQLite's busy timeout: a writer waits for another (a grading worker, formgrader) instead of failing
        c.CourseDirectory.db_url = f"sqlite:///{os.path.join(root, 'gradebook.db')}?timeout={DB_BUSY_TIMEOUT_S}"
        c.Exchange.root = self.exchange_root(home)
        c.Execute.timeout = lim.cell_timeout
        c.Execute.iopub_timeout = IOPUB_WAIT_S
        c.LimitedExecute.notebook_timeout = lim.notebook_timeout
        c.LimitedExecute.max_output_bytes = 1000 * lim.max_output_kb
        for name in ("memory_mb", "cpu_seconds", "file_mb"):
            setattr(c.SandboxedKernelManager, name, getattr(lim, name))


def _positive_int(where: str, value) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{where} must be a whole number, got {value!r}") from None
    if n <= 0:
        raise SettingsError(f"{where} must be positive, got {n}")
    return n


def default_workers() -> int:
    """Grading workers: one more than the cores. A worker waits on its kernel (and the kernel
    on the worker) for about a third of each notebook, so a spare worker keeps every core busy."""
    return (os.cpu_count() or 1) + 1
