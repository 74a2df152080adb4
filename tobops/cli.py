"""The ``tobops`` command: course tools for instructors and self-learners.

    tobops data build [--out DIR] [--check]      regenerate the synthetic datasets
    tobops demo [--dir DIR] [--trainees N]       run a whole cohort cycle and write a report
    tobops grade ASSESSMENT | --all [--workers N] [--force]
    tobops export [ASSESSMENT | --all] [--out DIR]
    tobops report [ASSESSMENT | --all] [--out DIR]
    tobops selfcheck ASSESSMENT [NOTEBOOK]       self-learners: grade your own copy
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tobops import __version__
def _assessments(course, args) -> list[str]:
    known = course.assessments()
    if getattr(args, "all", False) or not getattr(args, "assessment", None):
        with course.gradebook() as gb:  # --all: every assessment that has been generated
            generated = {a.name for a in gb.assignments}
        return [a for a in known if a in generated]
    if args.assessment not in known:
        raise SystemExit(f"tobops: unknown assessment {args.assessment!r}; known: {', '.join(known)}")
    return [args.assessment]


def cmd_data(args) -> int:
    from tobops.content import datasets
    argv = ["build"] + (["--out", args.out] if args.out else []) + (["--check"] if args.check else [])
    return datasets.main(argv)


def cmd_demo(args) -> int:
    from tobops.room import demo
    from tobops.grade import grader as grading
    from tobops.grade import sandbox
    print(f"tobops demo: {args.trainees} synthetic trainees; {sandbox.isolation()}")
    run = demo.run(args.dir, assessments=args.assessment or None, size=args.trainees, workers=args.workers,
                   cell_timeout=args.cell_timeout)
    print(grading.summary(run.results))
    print(f"\ncourse folder: {run.course.home}")
    print(f"report:        {run.paths['html']}")
    print(f"grades CSV:    {run.paths['grades']}")
    print(f"items CSV:     {run.paths['items']}")
    print(f"took {run.seconds:.1f} s")
    return 0


def cmd_grade(args) -> int:
    from tobops.grade import coursedir
    from tobops.grade import grader as grading
    from tobops.grade import sandbox
    course = coursedir.find(args.course)
    print(f"tobops grade: {sandbox.isolation()}")
    try:
        results = grading.grade(course, _assessments(course, args), workers=args.workers, force=args.force)
    except grading.GradingError as exc:
        print(f"tobops grade: {exc}", file=sys.stderr)
        return 2
    print(grading.summary(results))
    return 1 if any(r.needs_attention for r in results) else 0


def cmd_export(args) -> int:
    from tobops.grade import coursedir
    from tobops.insight import report
    course = coursedir.find(args.course)
    paths = report.export(course, _assessments(course, args), args.out)
    for k, p in paths.items():
        print(f"{k}: {p}")
    return 0


def cmd_report(args) -> int:
    from tobops.grade import coursedir
    from tobops.insight import report
    course = coursedir.find(args.course)
    paths = report.html_report(course, _assessments(course, args), args.out)
    for k, p in paths.items():
        print(f"{k}: {p}")
    return 0


def cmd_selfcheck(args) -> int:
    from tobops.grade import selfcheck
    try:
        out = selfcheck.run(args.assessment, args.notebook, args.out)
    except selfcheck.SelfCheckError as exc:
        print(f"tobops selfcheck: {exc}", file=sys.stderr)
        return 2
    print("\n".join(out["lines"]))
    if out["feedback"]:
        print(f"\nfeedback page: {out['feedback'].resolve()}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tobops", description="ToB Ops Academy course tools.")
    p.add_argument("--version", action="version", version=f"tobops {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("data", help="synthetic datasets")
    d.add_argument("action", choices=["build"])
    d.add_argument("--out", help="write here instead of datasets/")
    d.add_argument("--check", action="store_true", help="rebuild in a temp dir and compare with the committed files")
    d.set_defaults(func=cmd_data)

    m = sub.add_parser("demo", help="run a synthetic cohort through release, submit, collect, grade, report")
    m.add_argument("--dir", help="course folder to create (default: a new temp folder)")
    m.add_argument("--trainees", type=int, default=12)
    m.add_argument("--assessment", action="append", help="only this assessment (repeatable; default: all)")
    m.add_argument("--workers", type=int, default=None, help="grading processes (default: one per core)")
    m.add_argument("--cell-timeout", type=int, default=5, help="seconds per cell before it is stopped")
    m.set_defaults(func=cmd_demo)

    def course_args(sp, out=False):
        sp.add_argument("assessment", nargs="?", help="assessment id, e.g. 02-tob-vs-toc")
        sp.add_argument("--all", action="store_true", help="every assessment")
        sp.add_argument("--course", help="course folder (default: here or the nearest parent with nbgrader_config.py)")
        if out:
            sp.add_argument("--out", default="reports", help="output folder (default: reports/)")

    g = sub.add_parser("grade", help="grade submitted notebooks (parallel, sandboxed)")
    course_args(g)
    g.add_argument("--workers", type=int, default=None, help="grading processes (default: one per core)")
    g.add_argument("--force", action="store_true", help="regrade submissions that are already graded")
    g.set_defaults(func=cmd_grade)

    e = sub.add_parser("export", help="write grades.csv and items.csv")
    course_args(e, out=True)
    e.set_defaults(func=cmd_export)

    c = sub.add_parser("selfcheck", help="grade your own copy of an assessment (self-learners)")
    c.add_argument("assessment", help="assessment id, e.g. 02-tob-vs-toc")
    c.add_argument("notebook", nargs="?", help="your notebook (default: ./ASSESSMENT/ASSESSMENT.ipynb)")
    c.add_argument("--out", default="feedback", help="where to write the feedback page (default: feedback/)")
    c.set_defaults(func=cmd_selfcheck)

    sub.add_parser("hub", help="start the course hub (JupyterHub) for a training room; see tobops hub --help")
    r = sub.add_parser("report", help="write the HTML cohort report (and the CSVs)")
    course_args(r, out=True)
    r.set_defaults(func=cmd_report)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["hub"]:  # its own argument parser: tobops/hub.py
        from tobops.room import hub
        return hub.main(argv[1:])
    args = parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        print("\ntobops: interrupted; what was graded is saved, run the same command again to finish.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
