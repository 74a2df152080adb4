"""``tobops demo``: the whole instructor cycle on a synthetic cohort, in a fresh folder.

1. a fresh course home (config + assessment sources) in DIR;
2. ``generate_assignment`` and ``release_assignment`` (nbgrader API, as formgrader does);
3. a cohort of trainees: each fetches the release, answers it according to a profile
   (perfect, partial, wrong, blank, or broken), and submits through the nbgrader exchange;
4. ``collect``, then ``tobops grade`` (parallel, sandboxed);
5. the written answers graded by a synthetic instructor (as in formgrader), feedback
   generated, then the CSV exports and the HTML report.
"""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tobops.room import cohort, release
from tobops.grade import grader
from tobops.insight import report
from tobops.grade.coursedir import Course, chdir, new_home, quiet_logger
from tobops.settings import Settings


@dataclass
class DemoRun:
    course: Course
    results: list
    paths: dict
    seconds: float


TEAMS = ("East", "North", "South")  # the synthetic cohort's sales teams: the report filters by them


def _submit(course: Course, cfg, student: str, assessment: str, files: dict[str, str]) -> None:
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default.submit import ExchangeSubmit

    work = course.home / "trainees" / student
    (work / assessment).mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (work / assessment / name).write_text(text, encoding="utf-8")
    cfg = cfg.copy()
    cfg.Exchange.assignment_dir = str(work)
    log = quiet_logger()
    cd = CourseDirectory(config=cfg, log=log)
    cd.assignment_id = assessment
    cd.student_id = student
    ExchangeSubmit(coursedir=cd, authenticator=Authenticator(config=cfg, log=log), config=cfg, log=log).start()


def prepare(dest: str | Path, assessments: list[str] | None = None, size: int = 12, seed: int = 7,
            profiles: list[str] | None = None, langs: dict[str, str] | None = None
            ) -> tuple[Course, list[str], list[cohort.Trainee]]:
    """Steps 1–3 and collect: a course home with collected submissions, ready to grade."""
    course = new_home(dest)
    assessments = assessments or course.assessments()
    trainees = cohort.cohort(size, seed)
    if profiles:
        trainees = [cohort.Trainee(t.id, p, t.lang) for t, p in zip(trainees, profiles)]
    with chdir(course.home):
        api = course.api()
        cfg = course.config()
        with course.gradebook() as gb:
            for t in trainees:
                gb.update_or_create_student(t.id)
        roster = course.roster()
        for i, t in enumerate(trainees):
            roster.set_lang(t.id, langs.get(t.id, t.lang) if langs else t.lang)
            roster.set_team(t.id, TEAMS[i % len(TEAMS)])
        for a in assessments:
            release.release(course, a)
            for i, t in enumerate(trainees):
                nb, bank, form = release.fetched(course, a, t.id)
                files = cohort.submission(nb, bank, form, t.profile, seed=i, lang=roster.lang(t.id))
                if files is not None:
                    _submit(course, cfg, t.id, a, files)
            res = api.collect(a)
            if not res["success"]:
                raise RuntimeError(f"collect {a} failed:\n{res.get('log', '')}")
    return course, assessments, trainees


# the share of a written answer's points a synthetic instructor gives, by profile
WRITTEN_SHARE = {"perfect": 1.0, "partial": 0.5, "syntax": 1.0, "loop": 1.0, "wrong": 0.25}


def grade_written(course: Course, assessments: list[str], profiles: dict[str, str]) -> int:
    """Play the instructor in formgrader: give each written answer a manual score by rubric.
    Returns how many answers were graded."""
    n = 0
    with course.gradebook() as gb:
        for a in assessments:
            for sub in gb.assignment_submissions(a):
                share = WRITTEN_SHARE.get(profiles.get(sub.student.id, ""), 0.5)
                for nb in sub.notebooks:
                    for g in nb.grades:
                        if g.needs_manual_grade:
                            g.manual_score = round(share * g.max_score)
                            g.needs_manual_grade = False  # as formgrader does when a score is entered
                            n += 1
                gb.db.commit()
    return n


def run(dest: str | Path | None = None, assessments: list[str] | None = None, size: int = 12,
        workers: int | None = None, settings: Settings | None = None, progress: bool = True) -> DemoRun:
    t0 = time.perf_counter()
    dest = Path(dest) if dest else Path(tempfile.mkdtemp(prefix="tobops-demo-"))
    course, assessments, trainees = prepare(dest, assessments, size)
    results = grader.grade(course, assessments, settings=settings, workers=workers, progress=progress)
    profiles = {t.id: t.profile for t in trainees}
    grade_written(course, assessments, profiles)
    results = grader.refresh(course, results)
    with chdir(course.home):
        api = course.api()
        for a in assessments:
            api.generate_feedback(a)
    paths = report.html_report(course, assessments, course.home / "reports")
    return DemoRun(course, results, paths, time.perf_counter() - t0)
