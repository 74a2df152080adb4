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
* one result per trainee and assessment in the results store (:mod:`.results`), whose
  status keeps *not submitted*, *could not be graded* and *needs manual grading* apart
  from a real score;
* a progress bar, and an exit status that is non-zero while any submission needs
  attention.

Original submissions in ``submitted/`` are never modified.
"""
from __future__ import annotations

import concurrent.futures as cf
import functools
import json
import multiprocessing
import os
import re
import signal
import time
from pathlib import Path

import nbformat
from tqdm import tqdm

from tobops import TobopsError
from tobops.assess.items import is_test_cell
from tobops.grade.coursedir import Course, quiet_logger
from tobops.grade.results import AWAITING_MANUAL, Result, Status
from tobops.settings import Limits, Settings, default_workers

NBGRADER_FILES = ("timestamp.txt", "submission_secret.txt")  # written by nbgrader submit


class GradingError(TobopsError):
    pass


# --------------------------------------------------------------------------- checks

@functools.lru_cache(maxsize=64)
def _cached_release_cells(path: str, mtime: float) -> dict[str, str]:
    nb = nbformat.read(path, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade_id")}


def _expected_notebooks(course: Course, assessment: str) -> list[str]:
    return sorted(p.name for p in course.source(assessment).glob("*.ipynb"))


def _release_cells(course: Course, assessment: str, name: str) -> dict[str, str]:
    path = course.release(assessment) / name
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
        submitted = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
        released = _release_cells(course, assessment, name)
        deleted = sorted(g for g in released if g not in submitted)
        if deleted:
            msgs.append(f"{name}: cells deleted by the trainee: {', '.join(deleted)} (their items score 0)")
        edited = sorted(g for g, src in released.items() if g in submitted and is_test_cell(submitted[g])
                        and _norm(submitted[g].source) != _norm(src))
        if edited:
            msgs.append(f"{name}: test cells edited by the trainee: {', '.join(edited)} "
                        "(graded with the instructor's tests)")
    extra = sorted(p.name for p in sub.iterdir() if p.name not in expected and p.name not in NBGRADER_FILES)
    if extra:
        msgs.append(f"extra files ignored: {', '.join(extra[:5])}" + (" ..." if len(extra) > 5 else ""))
    return True, msgs


def _norm(src) -> str:
    return ("".join(src) if isinstance(src, list) else src).strip()


def diagnose(nb: nbformat.NotebookNode, limits: Limits) -> list[str]:
    """What went wrong while the notebook ran, in words an instructor can act on."""
    from tobops.grade.execute import truncated  # imports nbgrader: workers have it loaded already

    msgs = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        where = f"cell {i}" + (f" ({meta['grade_id']})" if meta.get("grade_id") else "")
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                if out.ename == "CellTimeoutError":
                    msgs.append(f"{where} timed out (endless loop?) and was stopped")
                elif out.ename == "NotebookTimeoutError":
                    msgs.append(f"{where} not run: the notebook's time limit was used up")
                elif out.ename == "MemoryError":
                    msgs.append(f"{where} ran out of memory (limit {limits.memory_mb} MB)")
                elif out.ename in ("SyntaxError", "IndentationError", "TabError"):
                    detail = re.sub(r"\s*\([^()]*\.py, (line \d+)\)", r" (\1)", str(out.evalue))
                    msgs.append(f"{where} has a {out.ename}: {detail}")
                elif out.ename == "DeadKernelError":
                    msgs.append(f"{where}: the kernel died")
            elif truncated(out):
                msgs.append(f"{where} printed too much output; the rest was dropped")
            elif out.output_type == "stream" and out.name == "stderr":
                msgs.append(f"{where}: output on stderr during a test, which nbgrader scores 0" if is_test_cell(cell)
                            else f"{where} wrote to stderr (harmless unless it happens in a test)")
    for finding in nb.metadata.get("tobops", {}).get("grading", {}).get("findings", []):
        msgs.append(f"reaches for the grader: {finding}")
    return sorted(set(msgs), key=msgs.index)


def _failure_reason(log: str, error: str, limits: Limits) -> str:
    text = log + "\n" + error
    if "DeadKernelError" in text or "Kernel died" in text:
        return f"the kernel died while running the notebook (memory limit {limits.memory_mb} MB exceeded, or a crash)"
    if "UnresponsiveKernelError" in text or "unresponsive" in text:
        return "the kernel stopped responding and could not be interrupted (endless loop?)"
    if "NoBankError" in text:
        return "no item bank for this assessment (assignments/bank/): its answers cannot be scored"
    lines = [l for l in text.splitlines() if l.startswith("[ERROR]")]
    return "nbgrader failed: " + (lines[-1][8:].strip()[:200] if lines else text.strip().splitlines()[-1][:200] if text.strip() else "unknown error")


# --------------------------------------------------------------------------- workers

class _CachedSchemaValidation:
    """Stands in for the ``jsonschema`` module inside nbgrader's cell-metadata check.

    nbgrader calls ``jsonschema.validate(metadata, schema)`` for every cell, which checks
    the schema itself each time: a fifth of a second per notebook. This does the same
    validation, raising the same error, with the schema checked once. nbgrader has no
    public hook for it, so this replaces a module attribute of
    ``nbgrader.nbgraderformat.common`` (nbgrader is pinned to 0.9.x in pyproject.toml)."""

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
    is kept and reused, so each query is compiled once, and its tables are created (or
    checked) once, not a dozen times; ``Gradebook.close`` ends its session and leaves the
    engine's connections in its pool (it disposed of them, and the next Gradebook opened
    the database again: 0.6 ms of CPU each time, a dozen times a notebook). The SQL that
    changes the database is the same. nbgrader takes no engine from outside, so this
    replaces ``nbgrader.api.create_engine`` and ``Gradebook.close`` in the worker process
    (nbgrader is pinned to 0.9.x in pyproject.toml)."""
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

    def close(gradebook) -> None:  # nbgrader's, without disposing of the shared engine
        gradebook.db.remove()

    nbgrader_api.Gradebook.close = close


def _parse_message_dates_in_c() -> None:
    """jupyter_client turns the dates in every kernel message's headers into datetimes with
    dateutil's ``isoparse``, in pure Python: a twentieth of a grading worker's CPU on the
    certification (65 code cells, five messages or more each). For the ISO 8601 strings it
    hands over (it matches them against its pattern first), the standard library's
    ``datetime.fromisoformat`` gives equal datetimes, in C; anything it refuses still goes
    to dateutil. jupyter_client takes no parser from outside, so this replaces its module
    attribute ``jupyter_client.jsonutil._dateutil_parse`` in the worker (jupyter_client is
    pinned to 8.x in pyproject.toml)."""
    import datetime

    import jupyter_client.jsonutil as jsonutil

    dateutil_parse = jsonutil._dateutil_parse
    if getattr(dateutil_parse, "tobops", False):
        return

    def parse(text: str):
        try:
            return datetime.datetime.fromisoformat(text)
        except ValueError:
            return dateutil_parse(text)

    parse.tobops = True
    jsonutil._dateutil_parse = parse


class _Worker:
    """What a worker process keeps between submissions: the course, the nbgrader API."""

    course: Course
    api = None
    limits: Limits


def _init_worker(home: str, settings: Settings, templates: list[dict], taken, parent: int | None) -> None:
    import warnings

    from tobops.grade import forkserver, sandbox

    sandbox.die_with_parent(parent)  # a grader server that is killed takes its workers with it
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # forked from the server: not its handler
    with taken.get_lock():
        i, taken.value = taken.value, taken.value + 1
    if i < len(templates):  # a template started for us already, loading beside us
        forkserver.adopt(templates[i])
    else:  # our own, loading now beside nbgrader's imports
        forkserver.server(settings.limits.for_kernel())
    import nbgrader.nbgraderformat.common as nbformat_check

    warnings.filterwarnings("ignore")  # nbgrader's SQLAlchemy warnings are not the instructor's business
    nbformat_check.jsonschema = _CachedSchemaValidation()
    _share_gradebook_engines()
    _parse_message_dates_in_c()
    os.chdir(home)
    _Worker.course = Course(Path(home))
    _Worker.limits = settings.limits
    _Worker.api = _Worker.course.api(quiet_logger(), kernel_manager="tobops.grade.kernel.ForkingKernelManager",
                                     settings=settings, validate_once=True, batched=True)
    # a worker takes no submission before its template listens (a cold grader server starts
    # them one after another): meanwhile the others take them. A template that never starts
    # fails this worker's submissions, one by one, as before, not the pool
    try:
        forkserver.server(settings.limits.for_kernel()).ready()
    except RuntimeError:
        pass


def _grade_one(student: str, assessment: str, stamp: str, max_score: float, attempt: int) -> Result:
    """In a worker: check one submission, grade it, read its outputs and scores."""
    course = _Worker.course
    ok, msgs = precheck(course, student, assessment)
    if not ok:
        return Result(student, assessment, Status.FAILED, None, max_score, msgs[0], msgs[1:], stamp, attempt=attempt)
    t0 = time.perf_counter()
    res = _Worker.api.autograde(assessment, student, force=True, create=True)
    seconds = time.perf_counter() - t0
    if not res.get("success"):
        reason = _failure_reason(str(res.get("log", "")), str(res.get("error", "")), _Worker.limits)
        return Result(student, assessment, Status.FAILED, None, max_score, reason, msgs, stamp, seconds,
                      attempt=attempt)
    problems = list(msgs)
    for nb_path in sorted(course.autograded(student, assessment).glob("*.ipynb")):
        problems += diagnose(nbformat.read(nb_path, as_version=4), _Worker.limits)
    return _scored(course, student, assessment, problems, stamp, seconds, attempt)


def _scored(course: Course, student: str, assessment: str, problems: list[str], stamp: str,
            seconds: float = 0.0, attempt: int = 1) -> Result:
    """A result with the score (and lateness) nbgrader's gradebook holds for this submission."""
    with course.gradebook() as gb:
        sub = gb.find_submission(assessment, student)
        score, max_score, manual = float(sub.score), float(sub.max_score), bool(sub.needs_manual_grade)
        late = float(sub.total_seconds_late or 0)
    return Result(student, assessment, Status.MANUAL if manual else Status.GRADED, score, max_score,
                  AWAITING_MANUAL if manual else "", problems, stamp, seconds, attempt, late)


# --------------------------------------------------------------------------- the run

def _timestamp(course: Course, student: str, assessment: str) -> str:
    ts = course.submitted(student, assessment) / "timestamp.txt"
    return ts.read_text().strip() if ts.exists() else ""


def resolve(course: Course, assessment: str | None) -> list[str]:
    """The assessments a command means: one by name, or (None) every generated one."""
    known = course.assessments()
    if not assessment:
        with course.gradebook() as gb:
            generated = {a.name for a in gb.assignments}
        return [a for a in known if a in generated]
    if assessment not in known:
        raise GradingError(f"unknown assessment {assessment!r}; known: {', '.join(known)}")
    return [assessment]


#: What every worker needs, imported once (2 s of CPU) in the process the workers are forked
#: from (multiprocessing's fork server, or the grader server): a worker then starts in
#: milliseconds, and its first notebook imports nothing more.
WORKER_PRELOAD = ["tobops.grade.grader", "tobops.grade.kernel", "tobops.grade.scoring", "tobops.grade.execute",
                  "tobops.grade.batched", "tobops.content.datasets", "nbgrader.apps.api", "nbgrader.preprocessors",
                  "nbconvert.exporters", "ipykernel.kernelspec", "IPython", "sqlalchemy.dialects.sqlite"]


def pool(course: Course, settings: Settings, workers: int, templates: list[dict] | None = None,
         fork: bool = False) -> cf.ProcessPoolExecutor:
    """Worker processes for ``course``: each with nbgrader's API and a kernel template
    (one of ``templates``, started already by the caller, while there are any left).

    The workers come from multiprocessing's fork server, which imports
    :data:`WORKER_PRELOAD` once, and start as jobs need them. With ``fork`` they are all
    forked at the first job from the caller, which has imported that already (:func:`preload`)
    and runs no thread that could hold a lock meanwhile (the grader server)."""
    if fork:
        ctx = multiprocessing.get_context("fork")
    else:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(WORKER_PRELOAD)
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                  initargs=(str(course.home), settings, list(templates or []), ctx.Value("i", 0),
                                            os.getpid() if fork else None))


def preload() -> None:
    """Import what every worker needs, here (for :func:`pool` with ``fork``)."""
    import importlib

    for name in WORKER_PRELOAD:
        importlib.import_module(name)
    # first uses that cost a worker's first notebook half a second of CPU, done here once
    # for every worker forked after: nbformat compiling its JSON-schema validators (nbconvert
    # validates with relax_add_props), jupyter_client listing the kernel provisioners of
    # every installed package, and SQLAlchemy configuring nbgrader's table mappings (no
    # database is opened)
    import nbformat
    from jupyter_client.provisioning.factory import KernelProvisionerFactory
    from sqlalchemy.orm import configure_mappers

    for relax in (False, True):
        nbformat.validate(nbformat.v4.new_notebook(), relax_add_props=relax)
    KernelProvisionerFactory.instance()
    configure_mappers()


def grade(course: Course, assessments: list[str], settings: Settings | None = None, workers: int | None = None,
          force: bool = False, progress: bool = True, students: list[str] | None = None,
          workers_pool: cf.ProcessPoolExecutor | None = None, on_progress=None) -> list[Result]:
    """Grade every submission of the given assessments (or only the given trainees');
    returns one Result per trainee and assessment.

    ``workers_pool``: workers made by :func:`pool` for this course and these settings, kept
    between calls (the grader server's); without it a pool is made for this call and shut
    down after. ``on_progress(done, total, failed)`` is called as submissions finish
    (instead of the progress bar); if it raises, the submissions not yet started are
    cancelled and the exception propagates."""
    settings = settings or Settings.load()
    workers = workers or default_workers()
    store = course.results()
    with course.gradebook() as gb:  # also makes sure nbgrader's schema exists
        known = {a.name: float(a.max_score) for a in gb.assignments}
        roster = sorted(s.id for s in gb.students)
    unknown = [a for a in assessments if a not in known]
    if unknown:
        raise GradingError(f"not generated yet: {', '.join(unknown)}. Run `nbgrader generate_assignment NAME` "
                           "(and release it) before grading.")
    if students:
        strangers = [s for s in students if s not in roster]
        if strangers:
            raise GradingError(f"not on the roster: {', '.join(strangers)} (nbgrader db student add NAME)")
        roster = [s for s in roster if s in students]
    previous = {(r.student, r.assessment, r.attempt): r for r in store.load()}
    attempts = course.roster().attempts()

    results: list[Result] = []
    jobs: list[tuple[str, str, str, float, int]] = []
    for assessment in assessments:
        max_score = known[assessment]
        submitted = [s for s in course.submitters(assessment) if not students or s in students]
        for student in (s for s in roster if s not in submitted):
            attempt = attempts.get((student, assessment), 1)
            results.append(Result(student, assessment, Status.MISSING, None, max_score, "no submission collected",
                                  attempt=attempt))
        for student in submitted:
            stamp = _timestamp(course, student, assessment)
            attempt = attempts.get((student, assessment), 1)
            prev = previous.get((student, assessment, attempt))
            if (not force and prev and prev.submitted_at == stamp and prev.status.scored
                    and course.autograded(student, assessment).exists()):
                results.append(prev)
                continue
            jobs.append((student, assessment, stamp, max_score, attempt))

    store.save(results)  # not-submitted (and unchanged) submissions are known already
    bar = tqdm(total=len(jobs), desc="grading", unit="notebook",
               disable=not progress or not jobs or on_progress is not None, dynamic_ncols=True)
    failed = done = 0
    own = workers_pool is None and bool(jobs)
    workers_pool = pool(course, settings, min(workers, len(jobs))) if own else workers_pool
    if on_progress is not None and jobs:
        on_progress(0, len(jobs), 0)  # a bar from the start: its rate counts from here
    try:
        futures = {workers_pool.submit(_grade_one, *job): job for job in jobs}
        try:
            for fut in cf.as_completed(futures):
                student, assessment, stamp, max_score, attempt = futures[fut]
                try:
                    res = fut.result()
                except Exception as exc:  # a worker process died
                    res = Result(student, assessment, Status.FAILED, None, max_score,
                                 f"grading process failed ({type(exc).__name__}: {exc})", [], stamp, attempt=attempt)
                failed += res.status == Status.FAILED
                done += 1
                store.save([res])
                results.append(res)
                bar.set_postfix(failed=failed, refresh=False)
                bar.update(1)
                if on_progress is not None:
                    on_progress(done, len(jobs), failed)
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
    finally:
        if own:
            workers_pool.shutdown(wait=True, cancel_futures=True)
        bar.close()
    order = {a: i for i, a in enumerate(assessments)}
    results.sort(key=lambda r: (order[r.assessment], r.student))
    return results


def refresh(course: Course, results: list[Result]) -> list[Result]:
    """Re-read scores after manual grading (formgrader): a submission whose written answers
    are all graded moves from *needs manual grading* to *graded*."""
    out = [_scored(course, r.student, r.assessment, r.problems, r.submitted_at, r.seconds, r.attempt)
           if r.status.scored else r for r in results]
    course.results().save(out)
    return out
