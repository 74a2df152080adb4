"""Who sits which paper: each trainee's language, attempts and forms, and the course seed.

Kept beside nbgrader's gradebook, in the same SQLite file (tables ``tobops_trainees`` and
``tobops_forms``), so that the release (which writes each trainee's form), the grader
(which derives it again from the student id), the report and retakes agree:

* a trainee's **language** (``en`` or ``zh``): their forms and feedback follow it;
* their **team** (optional, e.g. a region or a sales group): the report filters by it;
* their **attempt** at an assessment: 1 at first, n+1 after each retake
  (``tobops retake``); the grader scores a submission on the current attempt's form;
* the **course seed** (``<course dir>/course-seed.txt``, made once, kept out of git):
  with the assessment, the student id and the attempt, it fixes a form.
"""
from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
from pathlib import Path

from tobops.settings import DB_BUSY_TIMEOUT_S

LANGS = ("en", "zh")
SEED_FILE = "course-seed.txt"

SCHEMA = ("""CREATE TABLE IF NOT EXISTS tobops_trainees (
    student_id TEXT PRIMARY KEY,
    lang TEXT NOT NULL DEFAULT 'en',
    team TEXT NOT NULL DEFAULT '')""",
          """CREATE TABLE IF NOT EXISTS tobops_forms (
    student_id TEXT NOT NULL,
    assignment_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    form_id TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT 'en',
    released_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (student_id, assignment_id, attempt))""")


def course_seed(course_root: str | Path) -> str:
    """The course's secret seed, made at first use (``course-seed.txt`` in the course dir)."""
    path = Path(course_root) / SEED_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "x", encoding="utf-8") as f:
                f.write(secrets.token_hex(16) + "\n")
        except FileExistsError:  # another process made it first
            pass
    return path.read_text(encoding="utf-8").strip()


class Roster:
    def __init__(self, db_path: str | Path) -> None:
        self.path = Path(db_path)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=DB_BUSY_TIMEOUT_S)
        for stmt in SCHEMA:
            con.execute(stmt)
        if "team" not in {row[1] for row in con.execute("PRAGMA table_info(tobops_trainees)")}:
            con.execute("ALTER TABLE tobops_trainees ADD COLUMN team TEXT NOT NULL DEFAULT ''")  # older rosters
        return con

    def _query(self, sql: str, args=()) -> list[tuple]:
        if not self.path.exists():
            return []
        con = self._connect()
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def _write(self, sql: str, rows) -> None:
        con = self._connect()
        try:
            with con:
                con.executemany(sql, rows)
        finally:
            con.close()

    # ------------------------------------------------------------------ languages
    def lang(self, student: str) -> str:
        rows = self._query("SELECT lang FROM tobops_trainees WHERE student_id = ?", (student,))
        return rows[0][0] if rows else "en"

    def set_lang(self, student: str, lang: str) -> None:
        if lang not in LANGS:
            raise ValueError(f"language {lang!r}: one of {', '.join(LANGS)}")
        self._write("INSERT INTO tobops_trainees (student_id, lang) VALUES (?, ?) "
                    "ON CONFLICT(student_id) DO UPDATE SET lang = excluded.lang", [(student, lang)])

    def langs(self) -> dict[str, str]:
        return dict(self._query("SELECT student_id, lang FROM tobops_trainees"))

    # ------------------------------------------------------------------ teams
    def set_team(self, student: str, team: str) -> None:
        self._write("INSERT INTO tobops_trainees (student_id, team) VALUES (?, ?) "
                    "ON CONFLICT(student_id) DO UPDATE SET team = excluded.team", [(student, team.strip())])

    def teams(self) -> dict[str, str]:
        """Each trainee's team, for those who have one."""
        return dict(self._query("SELECT student_id, team FROM tobops_trainees WHERE team != ''"))

    # ------------------------------------------------------------------ attempts
    def attempt(self, student: str, assessment: str) -> int:
        """The current attempt (1 until a retake is granted)."""
        rows = self._query("SELECT MAX(attempt) FROM tobops_forms WHERE student_id = ? AND assignment_id = ?",
                           (student, assessment))
        return int(rows[0][0]) if rows and rows[0][0] else 1

    def attempts(self) -> dict[tuple[str, str], int]:
        return {(s, a): n for s, a, n in self._query(
            "SELECT student_id, assignment_id, MAX(attempt) FROM tobops_forms GROUP BY student_id, assignment_id")}

    def note_form(self, student: str, assessment: str, attempt: int, form_id: str, lang: str) -> None:
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self._write("INSERT INTO tobops_forms VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(student_id, assignment_id, "
                    "attempt) DO UPDATE SET form_id = excluded.form_id, lang = excluded.lang",
                    [(student, assessment, attempt, form_id, lang, now)])

    def grant_retake(self, student: str, assessment: str) -> int:
        """Open attempt n+1; returns it."""
        new = self.attempt(student, assessment) + 1
        if not self._query("SELECT 1 FROM tobops_forms WHERE student_id = ? AND assignment_id = ?",
                           (student, assessment)):
            self.note_form(student, assessment, 1, "", self.lang(student))  # attempt 1 was never released
        self.note_form(student, assessment, new, "", self.lang(student))
        return new
