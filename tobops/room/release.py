"""``tobops release`` and ``tobops retake``: give the room its forms, and a trainee a new one.

``release`` runs nbgrader's ``generate_assignment`` (when the source changed) and
``release_assignment``; the course's exchange (:class:`tobops.room.exchange.FormRelease`)
then writes every trainee on the roster their own form. With ``minutes`` (or ``due``) the
assessment gets an nbgrader due date: the certification's window. Submissions after it are
marked late, and by default the report does not count them.

``retake`` opens attempt n+1 for one trainee and writes their new form; the trainee fetches
again (their earlier attempt's folder is kept beside it), and the report keeps every
attempt and says which one counts.
"""
from __future__ import annotations

import datetime as dt

import nbformat

from tobops import TobopsError
from tobops.assess import bank as bank_mod
from tobops.assess import forms
from tobops.grade.coursedir import Course, chdir
from tobops.grade.roster import course_seed
from tobops.room.exchange import write_forms
from tobops.room.workspace import form_path
from tobops.settings import Settings


class ReleaseError(TobopsError):
    pass


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def release(course: Course, assessment: str, *, minutes: int | None = None, due: dt.datetime | None = None,
            settings: Settings | None = None) -> dict[str, forms.Form]:
    """Generate (if needed) and release ``assessment``; returns each trainee's form."""
    if assessment not in course.assessments():
        raise ReleaseError(f"unknown assessment {assessment!r}; known: {', '.join(course.assessments())}")
    if not course.bank_path(assessment).exists():
        raise ReleaseError(f"no item bank for {assessment} (assignments/bank/{assessment}.toml)")
    with chdir(course.home):
        api = course.api(settings=settings)
        api.config.ExchangeReleaseAssignment.force = True  # releasing again (new trainees) is normal here
        source, release_nb = course.source_notebook(assessment), course.release(assessment) / f"{assessment}.ipynb"
        if not release_nb.exists() or release_nb.stat().st_mtime < source.stat().st_mtime:
            res = api.generate_assignment(assessment, force=True, create=True)
            if not res["success"]:
                raise ReleaseError(f"nbgrader generate_assignment {assessment} failed:\n{res.get('log', '')}")
        if minutes is not None:
            due = _utc_now() + dt.timedelta(minutes=minutes)
        if due is not None:
            with course.gradebook() as gb:
                gb.update_or_create_assignment(assessment, duedate=due)
        res = api.release_assignment(assessment)
        if not res["success"]:
            raise ReleaseError(f"nbgrader release_assignment {assessment} failed:\n{res.get('log', '')}"
                               f"{res.get('error', '')}")
    return released_forms(course, assessment)


def released_forms(course: Course, assessment: str) -> dict[str, forms.Form]:
    """Each trainee's current form (as the release wrote it)."""
    bank = course.bank(assessment)
    roster, seed = course.roster(), course_seed(course.root)
    with course.gradebook() as gb:
        students = sorted(s.id for s in gb.students)
    return {s: forms.draw(bank, seed, s, roster.attempt(s, assessment)) for s in students}


def retake(course: Course, assessment: str, student: str) -> forms.Form:
    """Open the next attempt for ``student`` and write their new form into the exchange."""
    with course.gradebook() as gb:
        if student not in {s.id for s in gb.students}:
            raise ReleaseError(f"{student} is not on the roster")
    if not course.release(assessment).exists():
        raise ReleaseError(f"{assessment} has not been released yet: release it first")
    course.roster().grant_retake(student, assessment)
    with chdir(course.home):
        cd = course.coursedir
        exchange = course.config().Exchange.root
        return write_forms(cd, exchange, assessment, [student])[student]


def fetched(course: Course, assessment: str, student: str) -> tuple[nbformat.NotebookNode, bank_mod.Bank,
                                                                        forms.Form]:
    """What ``student`` fetches: their form notebook, the bank and the form (demo and tests)."""
    exchange = course.config().Exchange.root
    nb = nbformat.read(form_path(exchange, course.course_id, student, assessment), as_version=4)
    bank = course.bank(assessment)
    form = forms.draw(bank, course_seed(course.root), student, course.roster().attempt(student, assessment))
    if nb.metadata.tobops.form.id != form.id:
        raise ReleaseError(f"{student}'s released form of {assessment} is out of date: release it again")
    return nb, bank, form


def due_date(course: Course, assessment: str) -> dt.datetime | None:
    with course.gradebook() as gb:
        return gb.find_assignment(assessment).duedate


def parse_due(text: str) -> dt.datetime:
    """'2026-12-02 16:00' (local time) or an ISO time with its zone, as naive UTC (nbgrader's)."""
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ReleaseError(f"--due {text!r}: expected a date and time like 2026-12-02 16:00") from None
    if when.tzinfo is None:
        when = when.astimezone()  # local time
    return when.astimezone(dt.timezone.utc).replace(tzinfo=None)

