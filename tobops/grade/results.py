"""The results store: one row per trainee, assessment and attempt, beside nbgrader's gradebook.

nbgrader's gradebook keeps scores per cell; it cannot say that a submission was *not
submitted*, *could not be graded* (and why) or *needs manual grading*, and ``nbgrader
export`` pads all of those with 0. Every tobops tool that decides who is ready reads
this store instead: ``tobops grade`` writes it, and the report, the analysis and
``tobops selfcheck`` read it.

* :class:`Status`: the four states a submission can be in;
* :class:`Result`: one row, with the *reason* for its status and the *problems* found
  in it kept apart (a submission can be graded and still have problems);
* :attr:`Result.needs_attention`: the one rule for what an instructor must look at;
* :class:`ResultStore`: save and load, in the table ``tobops_results`` of the gradebook
  database (SQLite, with a busy timeout so that parallel writers wait instead of failing);
* :func:`summary`: what ``tobops grade`` prints.
"""
from __future__ import annotations

import datetime as dt
import enum
import json
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tobops.settings import DB_BUSY_TIMEOUT_S


class Status(str, enum.Enum):
    GRADED = "graded"
    MANUAL = "needs manual grading"
    FAILED = "could not be graded"
    MISSING = "not submitted"

    def __str__(self) -> str:
        return self.value

    @property
    def scored(self) -> bool:
        """Whether the submission has a score (complete or awaiting written grades)."""
        return self in (Status.GRADED, Status.MANUAL)


#: The reason given while written answers wait for a human.
AWAITING_MANUAL = "written answers await a grade in formgrader"


@dataclass
class Result:
    student: str
    assessment: str
    status: Status
    score: float | None
    max_score: float
    reason: str = ""
    problems: list[str] = field(default_factory=list)
    submitted_at: str = ""
    seconds: float = 0.0
    attempt: int = 1
    late_seconds: float = 0.0      # how long after the due date it was submitted (0: on time)

    def __post_init__(self) -> None:
        self.status = Status(self.status)

    @property
    def needs_attention(self) -> bool:
        """Could not be graded, or graded with problems an instructor should look at."""
        return self.status == Status.FAILED or bool(self.problems)

    @property
    def late(self) -> bool:
        return self.late_seconds > 0

    @property
    def percent(self) -> float | None:
        return None if self.score is None or not self.max_score else round(100 * self.score / self.max_score, 1)

    def line(self) -> str:
        score = "-" if self.score is None else f"{self.score:g}/{self.max_score:g}"
        why = "; ".join(([self.reason] if self.reason else []) + self.problems)
        attempt = f" attempt {self.attempt}" if self.attempt > 1 else ""
        late = f", {self.late_seconds / 60:.0f} min late" if self.late else ""
        return f"{self.student} / {self.assessment}{attempt}: {self.status} ({score}{late})" + (f": {why}" if why else "")

    def as_dict(self) -> dict:
        d = asdict(self)
        d["status"] = self.status.value
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Result":
        return cls(**d)


SCHEMA = """
CREATE TABLE IF NOT EXISTS tobops_results (
    student_id TEXT NOT NULL,
    assignment_id TEXT NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL,
    score REAL,
    max_score REAL,
    reason TEXT NOT NULL DEFAULT '',
    problems TEXT NOT NULL DEFAULT '[]',
    submitted_at TEXT NOT NULL DEFAULT '',
    late_seconds REAL NOT NULL DEFAULT 0,
    graded_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (student_id, assignment_id, attempt)
)"""
COLUMNS = ("student_id", "assignment_id", "attempt", "status", "score", "max_score", "reason", "problems",
           "submitted_at", "late_seconds", "graded_at")


class ResultStore:
    """Results in the gradebook database (``table tobops_results``)."""

    def __init__(self, db_path: str | Path) -> None:
        self.path = Path(db_path)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=DB_BUSY_TIMEOUT_S)
        cols = [r[1] for r in con.execute("PRAGMA table_info(tobops_results)")]
        if cols and tuple(cols) != COLUMNS:  # written by an older tobops: derived data, rebuilt by regrading
            con.execute("DROP TABLE tobops_results")
        con.execute(SCHEMA)
        return con

    def save(self, results: list[Result]) -> None:
        if not results:
            return
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        con = self._connect()
        try:
            with con:
                con.executemany(
                    f"INSERT OR REPLACE INTO tobops_results ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                    [(r.student, r.assessment, r.attempt, r.status.value, r.score, r.max_score, r.reason,
                      json.dumps(r.problems, ensure_ascii=False), r.submitted_at, r.late_seconds, now)
                     for r in results])
        finally:
            con.close()

    def load(self, assessments: list[str] | None = None) -> list[Result]:
        """Every stored result (of the given assessments), by assessment, trainee and attempt."""
        if not self.path.exists():
            return []
        con = self._connect()
        try:
            rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM tobops_results "
                               "ORDER BY assignment_id, student_id, attempt").fetchall()
        finally:
            con.close()
        out = []
        for (student, assessment, attempt, status, score, max_score, reason, problems, submitted_at,
             late_seconds, _graded_at) in rows:
            if assessments is not None and assessment not in assessments:
                continue
            out.append(Result(student, assessment, Status(status), score, max_score, reason, json.loads(problems),
                              submitted_at, attempt=attempt, late_seconds=late_seconds))
        return out

    def latest(self) -> dict[tuple[str, str], Result]:
        """The last attempt's result per (trainee, assessment)."""
        return {(r.student, r.assessment): r for r in self.load()}


def counting(results: list[Result], count_late: bool = False) -> dict[tuple[str, str], Result]:
    """Which attempt counts, per (trainee, assessment): the latest scored attempt that was
    on time (or any, with ``count_late``); else the latest attempt, whatever its status."""
    out: dict[tuple[str, str], Result] = {}
    for r in sorted(results, key=lambda r: r.attempt):
        key = (r.student, r.assessment)
        if r.status.scored and (count_late or not r.late):
            out[key] = r
        elif key not in out or not (out[key].status.scored and (count_late or not out[key].late)):
            out[key] = r
    return out


def summary(results: list[Result]) -> str:
    counts = {s: sum(r.status == s for r in results) for s in Status}
    head = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    attention = [r for r in results if r.needs_attention]
    lines = [f"{len(results)} submission(s): {head}."]
    if attention:
        lines.append(f"{len(attention)} need attention:")
        lines += ["  - " + r.line() for r in attention]
    return "\n".join(lines)
