"""``tobops grade``: grade every submission of an assessment, in parallel, and say why
any submission could not be graded.

Each submission is graded by nbgrader's own autograder (``NbGraderAPI.autograde``), so
scores and the gradebook are exactly what ``nbgrader autograde`` produces and formgrader
and ``nbgrader export`` keep working. Around it, tobops adds:

* a pool of worker processes (default one per core), each grading whole submissions with
  a fresh, sandboxed kernel per notebook (``tobops/sandbox.py``);
* checks before grading (missing, renamed, corrupted notebooks; deleted or edited test
  cells) and a diagnosis after it (syntax errors, timeouts, memory, a dead kernel,
  stderr), so that no broken submission turns into a silent zero;
* one results row per trainee and assessment, stored in the gradebook database (table
  ``tobops_results``) and exported to CSV, whose status keeps *not submitted*, *could
  not be graded* and *needs manual grading* apart from a real score;
* a progress bar, and an exit status that is non-zero while any submission needs
  attention.

Original submissions in ``submitted/`` are never modified.
"""
from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import functools
import json
import multiprocessing
import os
import re
import sqlite3
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from tqdm import tqdm

from tobops.grade import sandbox
from tobops.grade.coursedir import Course, chdir, quiet_logger

GRADED = "graded"
MANUAL = "needs manual grading"
FAILED = "could not be graded"
MISSING = "not submitted"
STATUSES = (GRADED, MANUAL, FAILED, MISSING)
NBGRADER_FILES = ("timestamp.txt", "submission_secret.txt")  # written by nbgrader submit


class GradingError(RuntimeError):
    pass


@dataclass
class Result:
    student: str
    assessment: str
    status: str
    score: float | None
    max_score: float
    reason: str = ""
    problems: list[str] = field(default_factory=list)
    submitted_at: str = ""
    seconds: float = 0.0

    @property
    def needs_attention(self) -> bool:
        return self.status == FAILED or bool(self.problems)

    def line(self) -> str:
        score = "-" if self.score is None else f"{self.score:g}/{self.max_score:g}"
        why = "; ".join(([self.reason] if self.reason else []) + self.problems)
        return f"{self.student} / {self.assessment}: {self.status} ({score})" + (f": {why}" if why else "")


# --------------------------------------------------------------------------- checks

@functools.lru_cache(maxsize=64)
def _cached_release_cells(path: str, mtime: float) -> dict[str, str]:
    nb = nbformat.read(path, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade_id")}


def _expected_notebooks(course: Course, assessment: str) -> list[str]:
    return sorted(p.name for p in course.source(assessment).glob("*.ipynb"))


def _release_cells(course: Course, assessment: str, name: str) -> dict[str, str]:
    path = course.root / "release" / assessment / name
    if not path.exists():
        return {}
    return _cached_release_cells(str(path), path.stat().st_mtime)


def precheck(course: Course, student: str, assessment: str) -> tuple[bool, list[str]]:
    """Look at a submission before grading. Returns (gradable, messages)."""
    sub = course.submitted(student, assessment)
    expected = _expected_notebooks(course, assessment)
    found = sorted(p.name for p in sub.glob("*.ipynb"))
    msgs: list[str] = []
    for name in expected:
        if name in found:
            continue
        others = [f for f in found if f not in expected]
        if others:
            return False, [f"renamed notebook: expected {name}, found {', '.join(others)}; "
                           "rename it back (or ask the trainee to resubmit) and grade again"]
        return False, [f"missing notebook: {name} is not in the submission"]
    for name in expected:
        path = sub / name
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            return False, [f"corrupted notebook {name}: not UTF-8 text ({exc.reason})"]
        except json.JSONDecodeError as exc:
            return False, [f"corrupted notebook {name}: not valid JSON ({exc.msg.removesuffix(' at').strip()}, line {exc.lineno}, column {exc.colno})"]
        try:
            nb = nbformat.from_dict(raw)
            if nb.get("nbformat", 0) < 4:
                raise ValueError(f"nbformat {nb.get('nbformat')} is too old")
            nbformat.validate(nb)
        except Exception as exc:  # nbformat raises several kinds
            return False, [f"corrupted notebook {name}: not a valid notebook ({str(exc).splitlines()[0][:160]})"]
        submitted = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id"): c.get("source", "")
                     for c in nb.cells}
        released = _release_cells(course, assessment, name)
        deleted = sorted(g for g in released if g not in submitted)
        if deleted:
            msgs.append(f"{name}: cells deleted by the trainee: {', '.join(deleted)} (their items score 0)")
        edited = sorted(g for g, src in released.items() if g in submitted and _is_locked_test(g, raw)
                        and _norm(submitted[g]) != _norm(src))
        if edited:
            msgs.append(f"{name}: test cells edited by the trainee: {', '.join(edited)} "
                        "(graded with the instructor's tests)")
    extra = sorted(p.name for p in sub.iterdir() if p.name not in expected and p.name not in NBGRADER_FILES)
    if extra:
        msgs.append(f"extra files ignored: {', '.join(extra[:5])}" + (" ..." if len(extra) > 5 else ""))
    return True, msgs


def _norm(src) -> str:
    return ("".join(src) if isinstance(src, list) else src).strip()


def _is_locked_test(grade_id: str, raw: dict) -> bool:
    for c in raw.get("cells", []):
        meta = c.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") == grade_id:
            return bool(meta.get("grade")) and not meta.get("solution")
    return False


def diagnose(nb: nbformat.NotebookNode) -> list[str]:
    """What went wrong while the notebook ran, in words an instructor can act on."""
    lim = sandbox.limits()
    msgs = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        where = f"cell {i}" + (f" ({meta['grade_id']})" if meta.get("grade_id") else "")
        is_test = meta.get("grade") and not meta.get("solution")
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                if out.ename == "CellTimeoutError":
                    msgs.append(f"{where} timed out (endless loop?) and was stopped")
                elif out.ename == "NotebookTimeoutError":
                    msgs.append(f"{where} not run: the notebook's time limit was used up")
                elif out.ename == "MemoryError":
                    msgs.append(f"{where} ran out of memory (limit {lim['memory_mb']} MB)")
                elif out.ename in ("SyntaxError", "IndentationError", "TabError"):
                    detail = re.sub(r"\s*\([^()]*\.py, (line \d+)\)", r" (\1)", str(out.evalue))
                    msgs.append(f"{where} has a {out.ename}: {detail}")
                elif out.ename == "DeadKernelError":
                    msgs.append(f"{where}: the kernel died")
            elif out.output_type == "stream" and "tobops: output truncated" in out.get("text", ""):
                msgs.append(f"{where} printed too much output; the rest was dropped")
            elif out.output_type == "stream" and out.name == "stderr":
                msgs.append(f"{where}: output on stderr during a test, which nbgrader scores 0" if is_test
                            else f"{where} wrote to stderr (harmless unless it happens in a test)")
    return sorted(set(msgs), key=msgs.index)


def _failure_reason(log: str, error: str) -> str:
    text = log + "\n" + error
    lim = sandbox.limits()
    if "DeadKernelError" in text or "Kernel died" in text:
        return f"the kernel died while running the notebook (memory limit {lim['memory_mb']} MB exceeded, or a crash)"
    if "UnresponsiveKernelError" in text or "unresponsive" in text:
        return "the kernel stopped responding and could not be interrupted (endless loop?)"
    if "database is locked" in text:
        return "the gradebook was busy; run tobops grade again to finish"
    lines = [l for l in text.splitlines() if l.startswith("[ERROR]")]
    return "nbgrader failed: " + (lines[-1][8:].strip()[:200] if lines else text.strip().splitlines()[-1][:200] if text.strip() else "unknown error")


# --------------------------------------------------------------------------- workers

_API = None
_COURSE: Course | None = None


class _CachedSchemaValidation:
    """Stands in for the ``jsonschema`` module inside nbgrader's cell-metadata check.

    nbgrader calls ``jsonschema.validate(metadata, schema)`` for every cell, which checks
    the schema itself each time: a fifth of a second per notebook. This does the same
    validation, raising the same error, with the schema checked once."""

    def __init__(self) -> None:
        import jsonschema

        self._jsonschema = jsonschema
        self.ValidationError = jsonschema.ValidationError
        self._validators: dict[int, tuple] = {}

    def validate(self, instance, schema) -> None:
        entry = self._validators.get(id(schema))
        if entry is None:
            cls = self._jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            entry = self._validators[id(schema)] = (schema, cls(schema))
        error = self._jsonschema.exceptions.best_match(entry[1].iter_errors(instance))
        if error is not None:
            raise error


def _share_gradebook_engines() -> None:
    """Autograding one notebook makes about a dozen ``Gradebook`` objects, and each makes
    its own SQLAlchemy engine, whose statement cache dies with it: every query is compiled
    afresh, a quarter of a second per notebook. In a worker, one engine per database URL
    is kept and reused (``Gradebook.close`` disposes only its pooled connections), so each
    query is compiled once, and its tables are created (or checked) once, not a dozen
    times. The SQL that changes the database is the same."""
    import nbgrader.api as nbgrader_api
    from sqlalchemy import create_engine

    engines: dict = {}

    def shared_engine(url, **kwargs):
        key = (str(url), tuple(sorted(kwargs.items())))
        if key not in engines:
            engines[key] = create_engine(url, **kwargs)
        return engines[key]

    nbgrader_api.create_engine = shared_engine
    # and, with the engine shared, the tables need making (or checking) only once
    metadata, made = nbgrader_api.Base.metadata, set()
    create_all = metadata.create_all

    def create_all_once(bind, **kwargs):
        if id(bind) not in made:
            create_all(bind=bind, **kwargs)
            made.add(id(bind))

    metadata.create_all = create_all_once


def _init_worker(home: str) -> None:
    global _API
    import warnings

    import nbgrader.nbgraderformat.common as nbformat_check

    warnings.filterwarnings("ignore")  # nbgrader's SQLAlchemy warnings are not the instructor's business
    nbformat_check.jsonschema = _CachedSchemaValidation()
    _share_gradebook_engines()
    os.chdir(home)
    global _COURSE
    _COURSE = Course(Path(home))
    _API = _COURSE.api(quiet_logger(), kernel_manager="tobops.grade.forkserver.ForkingKernelManager")


def _grade_one(student: str, assessment: str, stamp: str) -> "Result":
    """In a worker: check one submission, grade it, read its outputs and scores."""
    course = _COURSE
    ok, msgs = precheck(course, student, assessment)
    if not ok:
        return Result(student, assessment, FAILED, None, _max_score(course, assessment), msgs[0], msgs[1:], stamp)
    return _result(course, student, assessment, msgs, stamp, _autograde(student, assessment))


def _autograde(student: str, assessment: str) -> dict:
    t0 = time.perf_counter()
    for attempt in range(4):
        res = _API.autograde(assessment, student, force=True, create=True)
        text = str(res.get("log", "")) + str(res.get("error", ""))
        if res.get("success") or "database is locked" not in text:
            break
        time.sleep(0.3 * (attempt + 1))
    return {"success": bool(res.get("success")), "log": str(res.get("log", "")),
            "error": str(res.get("error", "")), "seconds": time.perf_counter() - t0}


# --------------------------------------------------------------------------- results table

SCHEMA = """
CREATE TABLE IF NOT EXISTS tobops_results (
    student_id TEXT NOT NULL,
    assignment_id TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL,
    max_score REAL,
    reason TEXT,
    problems TEXT,
    submitted_at TEXT,
    graded_at TEXT,
    PRIMARY KEY (student_id, assignment_id)
)"""


def _db(course: Course) -> sqlite3.Connection:
    con = sqlite3.connect(course.db_path, timeout=30)
    con.execute(SCHEMA)
    return con


def save(course: Course, results: list[Result]) -> None:
    with _db(course) as con:
        con.executemany(
            """INSERT INTO tobops_results VALUES (?,?,?,?,?,?,?,?,?)
               ON CONFLICT(student_id, assignment_id) DO UPDATE SET
               status=excluded.status, score=excluded.score, max_score=excluded.max_score,
               reason=excluded.reason, problems=excluded.problems, submitted_at=excluded.submitted_at,
               graded_at=excluded.graded_at""",
            [(r.student, r.assessment, r.status, r.score, r.max_score,
              "; ".join(([r.reason] if r.reason else []) + r.problems), json.dumps(r.problems), r.submitted_at,
              dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")) for r in results])
    con.close()


def load_results(course: Course) -> list[dict]:
    if not course.db_path.exists():
        return []
    with _db(course) as con:
        con.row_factory = sqlite3.Row
        rows = [dict(r) for r in con.execute("SELECT * FROM tobops_results ORDER BY assignment_id, student_id")]
    con.close()
    return rows


# --------------------------------------------------------------------------- the run

def _timestamp(course: Course, student: str, assessment: str) -> str:
    ts = course.submitted(student, assessment) / "timestamp.txt"
    return ts.read_text().strip() if ts.exists() else ""


def _roster(course: Course, assessment: str) -> tuple[list[str], list[str]]:
    """(students with a submission, students on the roster without one)."""
    sub_root = course.root / "submitted"
    submitted = sorted(p.name for p in sub_root.iterdir() if (p / assessment).is_dir()) if sub_root.exists() else []
    with course.gradebook() as gb:
        roster = sorted(s.id for s in gb.students)
    missing = [s for s in roster if s not in submitted]
    return submitted, missing


def _scores(course: Course, student: str, assessment: str) -> tuple[float, float, bool]:
    with course.gradebook() as gb:
        sub = gb.find_submission(assessment, student)
        return float(sub.score), float(sub.max_score), bool(sub.needs_manual_grade)


def _max_score(course: Course, assessment: str) -> float:
    with course.gradebook() as gb:
        return float(gb.find_assignment(assessment).max_score)


def _previous(course: Course) -> dict[tuple[str, str], dict]:
    return {(r["student_id"], r["assignment_id"]): r for r in load_results(course)}


def grade(course: Course, assessments: list[str], workers: int | None = None, force: bool = False,
          progress: bool = True) -> list[Result]:
    """Grade every submission of the given assessments; returns one Result per trainee."""
    workers = workers or os.cpu_count() or 1
    with course.gradebook():
        pass  # make sure nbgrader's schema exists before our table is added
    previous = _previous(course)

    results: list[Result] = []
    jobs: list[tuple[str, str, list[str], str]] = []
    with course.gradebook() as gb:
        known = {a.name for a in gb.assignments}
    unknown = [a for a in assessments if a not in known]
    if unknown:
        raise GradingError(f"not generated yet: {', '.join(unknown)}. Run `nbgrader generate_assignment NAME` "
                           "(and release it) before grading.")
    for assessment in assessments:
        max_score = _max_score(course, assessment)
        submitted, missing = _roster(course, assessment)
        for student in missing:
            results.append(Result(student, assessment, MISSING, None, max_score, "no submission collected"))
        for student in submitted:
            stamp = _timestamp(course, student, assessment)
            prev = previous.get((student, assessment))
            if (not force and prev and prev["submitted_at"] == stamp and prev["status"] in (GRADED, MANUAL)
                    and course.autograded(student, assessment).exists()):
                results.append(_from_row(prev))
                continue
            jobs.append((student, assessment, stamp, max_score))

    save(course, results)  # not-submitted (and unchanged) submissions are known already
    bar = tqdm(total=len(jobs), desc="grading", unit="notebook", disable=not progress or not jobs,
               dynamic_ncols=True)
    failed = 0
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=min(workers, max(1, len(jobs))), mp_context=ctx,
                                initializer=_init_worker, initargs=(str(course.home),)) as pool:
        futures = {pool.submit(_grade_one, s, a, stamp): (s, a, stamp, m) for s, a, stamp, m in jobs}
        for fut in cf.as_completed(futures):
            student, assessment, stamp, max_score = futures[fut]
            try:
                res = fut.result()
            except Exception as exc:  # a worker process died
                res = Result(student, assessment, FAILED, None, max_score,
                             f"grading process failed ({type(exc).__name__}: {exc})", [], stamp)
            failed += res.status == FAILED
            save(course, [res])
            results.append(res)
            bar.set_postfix(failed=failed, refresh=False)
            bar.update(1)
    bar.close()
    order = {a: i for i, a in enumerate(assessments)}
    results.sort(key=lambda r: (order[r.assessment], r.student))
    return results


def _from_row(row: dict) -> Result:
    problems = json.loads(row["problems"] or "[]")
    reason = row["reason"] or ""
    for p in problems:  # the stored reason is the reason followed by the problems
        reason = reason.replace("; " + p, "").replace(p, "")
    return Result(row["student_id"], row["assignment_id"], row["status"], row["score"], row["max_score"],
                  reason.strip("; "), problems, row["submitted_at"] or "")


def _result(course: Course, student: str, assessment: str, msgs: list[str], stamp: str, out: dict) -> Result:
    max_score = _max_score(course, assessment)
    if not out["success"]:
        return Result(student, assessment, FAILED, None, max_score, _failure_reason(out["log"], out["error"]),
                      msgs, stamp, out["seconds"])
    problems = list(msgs)
    for nb_path in sorted(course.autograded(student, assessment).glob("*.ipynb")):
        problems += diagnose(nbformat.read(nb_path, as_version=4))
    score, max_score, manual = _scores(course, student, assessment)
    status = MANUAL if manual else GRADED
    reason = "written answers await a grade in formgrader" if manual else ""
    return Result(student, assessment, status, score, max_score, reason, problems, stamp, out["seconds"])


def refresh(course: Course, results: list[Result]) -> list[Result]:
    """Re-read scores after manual grading (formgrader): a submission whose written answers
    are all graded moves from *needs manual grading* to *graded*."""
    out = []
    for r in results:
        if r.status in (GRADED, MANUAL):
            score, max_score, manual = _scores(course, r.student, r.assessment)
            r = Result(r.student, r.assessment, MANUAL if manual else GRADED, score, max_score,
                       "written answers await a grade in formgrader" if manual else "", r.problems, r.submitted_at,
                       r.seconds)
        out.append(r)
    save(course, out)
    return out


def summary(results: list[Result]) -> str:
    counts = {s: sum(r.status == s for r in results) for s in STATUSES}
    head = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    attention = [r for r in results if r.needs_attention]
    lines = [f"{len(results)} submission(s): {head}."]
    if attention:
        lines.append(f"{len(attention)} need attention:")
        lines += ["  - " + r.line() for r in attention]
    return "\n".join(lines)


def as_dicts(results: list[Result]) -> list[dict]:
    return [asdict(r) for r in results]
