"""The ``tobops`` command: course tools for instructors and self-learners.

    tobops data build [--out DIR] [--check]      regenerate the synthetic datasets
    tobops demo [--dir DIR] [--trainees N]       run a whole cohort cycle and write a report
    tobops grade ASSESSMENT | --all [--student NAME] [--workers N] [--force] [--cell-timeout S ...]
    tobops export [ASSESSMENT | --all] [--out DIR]
    tobops report [ASSESSMENT | --all] [--out DIR] [--lang zh]
    tobops build [ASSESSMENT ...] [--check]      build nbgrader's source notebooks from the item bank
    tobops release ASSESSMENT [--minutes N]      give every trainee their own form (a timed window)
    tobops retake ASSESSMENT TRAINEE             a new form (the next attempt) for one trainee
    tobops trainee NAME [NAME ...] [--lang zh] [--team T]  put trainees on the roster (language, team)
    tobops practice ASSESSMENT [--lang zh]       self-learners: a practice form of your own
    tobops selfcheck ASSESSMENT [NOTEBOOK]       self-learners: check your practice form
    tobops server status | stop [--all]          the warm grader that grade and selfcheck start
    tobops lint [BANK.toml ...]                  check the item bank against the item-writing rules
    tobops lab [--lang zh]                       JupyterLab for a trainee (workspace, no keys in view)
    tobops hub [run | add-trainee NAME ...]      JupyterHub for a training room

One argparse parser with a subcommand each; every subcommand is a small function that
reads its options, builds :class:`~tobops.settings.Settings` once where limits matter, and
calls the library. Library errors (``*Error``) become a message and exit status 2.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tobops import TobopsError, __version__
from tobops.settings import Limits, Settings


def _assessments(course, args) -> list[str]:
    from tobops.grade import grader

    return grader.resolve(course, None if getattr(args, "all", False) else getattr(args, "assessment", None))


class UsageError(TobopsError):
    pass


def _settings(args) -> Settings:
    return Settings.load(**{name: getattr(args, name, None) for name in Limits.ENV})


# --------------------------------------------------------------------------- commands

def cmd_data(args) -> int:
    from tobops.content import datasets

    return datasets.build_command(args.out, args.check)


def cmd_demo(args) -> int:
    from tobops.grade import sandbox
    from tobops.grade.results import summary
    from tobops.room import demo

    settings = _settings(args)
    print(f"tobops demo: {args.trainees} synthetic trainees; {sandbox.isolation(settings.limits)}")
    run = demo.run(args.dir, assessments=args.assessment or None, size=args.trainees, workers=args.workers,
                   settings=settings)
    print(summary(run.results))
    print(f"\ncourse folder: {run.course.home}")
    print(f"report:        {run.paths['html']}")
    print(f"grades CSV:    {run.paths['grades']}")
    print(f"items CSV:     {run.paths['items']}")
    print(f"took {run.seconds:.1f} s")
    return 0


def cmd_grade(args) -> int:
    from tobops.grade import coursedir, server
    from tobops.grade.results import Result, summary

    settings = _settings(args)  # checks the options before anything starts
    course = coursedir.find(args.course)
    if args.no_server or not server.enabled():
        from tobops.grade import grader, sandbox

        print(f"tobops grade: {sandbox.isolation(settings.limits)}")
        results = grader.grade(course, _assessments(course, args), settings=settings, workers=args.workers,
                               force=args.force, students=args.student)
    else:
        limits = {n: getattr(args, n) for n in Limits.ENV if getattr(args, n, None) is not None}
        job = {"op": "grade", "assessment": None if args.all else args.assessment, "students": args.student,
               "force": args.force, "workers": args.workers, "limits": limits}
        with _Progress("grading") as progress:  # one trainee's late work needs one worker
            out = server.request(course.home, job, progress.message, warm=len(args.student or []))
        results = [Result.from_dict(d) for d in out["results"]]
    print(summary(results))
    return 1 if any(r.needs_attention for r in results) else 0


class _Progress:
    """The grader server's messages, shown as the command's own: a progress bar."""

    def __init__(self, desc: str) -> None:
        self.desc, self.bar = desc, None

    def message(self, msg: dict) -> None:
        from tqdm import tqdm

        if msg.get("starting"):  # nothing else shows for those seconds
            print("tobops grade: starting this course's grader server: a few seconds, once; the next commands "
                  "find it warm (it stops by itself when idle, or with `tobops server stop`)",
                  file=sys.stderr, flush=True)
        elif "isolation" in msg:
            print(f"tobops grade: {msg['isolation']}", flush=True)
        elif msg.get("waiting"):
            print("the grader server is busy with another job: this one waits its turn", flush=True)
        elif "progress" in msg:
            if self.bar is None:
                self.bar = tqdm(total=msg["total"], desc=self.desc, unit="notebook", dynamic_ncols=True)
            self.bar.n = msg["progress"]
            self.bar.set_postfix(failed=msg["failed"], refresh=False)
            self.bar.refresh()

    def __enter__(self) -> "_Progress":
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()


def cmd_export(args) -> int:
    from tobops.grade import coursedir
    from tobops.insight import report

    course = coursedir.find(args.course)
    for k, p in report.export(course, _assessments(course, args), args.out).items():
        print(f"{k}: {p}")
    return 0


def cmd_report(args) -> int:
    from tobops.grade import coursedir
    from tobops.insight import report

    course = coursedir.find(args.course)
    for k, p in report.html_report(course, _assessments(course, args), args.out, lang=args.lang,
                                   count_late=args.count_late).items():
        print(f"{k}: {p}")
    return 0


def cmd_build(args) -> int:
    from tobops.assess import authoring, bank
    from tobops.grade import coursedir

    course = coursedir.find(args.course)
    wanted = args.assessment or [p.stem for p in sorted(bank.bank_dir(course.root).glob("*.toml"))]
    stale = []
    for a in wanted:
        text = authoring.render(course.bank(a))
        out = course.source_notebook(a)
        if args.check:
            if not out.exists() or out.read_text(encoding="utf-8") != text:
                stale.append(a)
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out.relative_to(course.home)}")
    if args.check:
        print("\n".join(f"{a}: source notebook differs from its bank; run `tobops build`" for a in stale)
              or f"all {len(wanted)} source notebooks match their banks")
    return 1 if stale else 0


def cmd_release(args) -> int:
    from tobops.grade import coursedir
    from tobops.room import release

    course = coursedir.find(args.course)
    due = release.parse_due(args.due) if args.due else None
    forms = release.release(course, args.assessment, minutes=args.minutes, due=due, settings=_settings(args))
    when = release.due_date(course, args.assessment)
    print(f"released {args.assessment}: {len(forms)} trainee(s), each with their own form"
          + (f"; due {when:%Y-%m-%d %H:%M} UTC (later submissions are marked late)" if when else ""))
    return 0


def cmd_retake(args) -> int:
    from tobops.grade import coursedir
    from tobops.room import release

    course = coursedir.find(args.course)
    form = release.retake(course, args.assessment, args.trainee)
    print(f"{args.trainee}: attempt {form.attempt} of {args.assessment} is open (form {form.id}); "
          "they fetch it again from the Assignments tab (their earlier attempt is kept beside it)")
    return 0


def cmd_trainee(args) -> int:
    from tobops.grade import coursedir

    course = coursedir.find(args.course)
    with course.gradebook() as gb:
        for name in args.names:
            gb.update_or_create_student(name)
    roster = course.roster()
    teams = roster.teams()
    for name in args.names:
        if args.lang:
            roster.set_lang(name, args.lang)
        if args.team is not None:
            roster.set_team(name, args.team)
            teams[name] = args.team
        team = f", team {teams[name]}" if teams.get(name) else ""
        print(f"{name}: on the roster, language {roster.lang(name)}{team}")
    return 0


def cmd_practice(args) -> int:
    from tobops.grade import selfcheck

    path = selfcheck.practice(args.assessment, args.lang, args.dir)
    print(f"wrote {path}: a practice form of your own. Answer it, then run `tobops selfcheck {args.assessment}`.")
    return 0


def cmd_selfcheck(args) -> int:
    from tobops.grade import coursedir, selfcheck, server

    if args.no_server or not server.enabled():
        out = selfcheck.run(args.assessment, args.notebook, args.out)
    else:  # the same check, on the course's warm grader: seconds, not the start-up of nbgrader and a kernel
        course = coursedir.find()
        path = selfcheck.find_notebook(args.assessment, args.notebook).resolve()
        out = server.request(course.home, {"op": "selfcheck", "assessment": args.assessment, "notebook": str(path),
                                           "out_dir": str(Path(args.out).resolve())}, warm=1)
    print("\n".join(out["lines"]))
    if out["feedback"]:
        print(f"\nfeedback page: {Path(out['feedback']).resolve()}")
    return 0


def cmd_server(args) -> int:
    from tobops.grade import coursedir, server

    if args.action == "stop":
        if args.all:
            print(f"stopped {server.stop_all()} grader server(s)")
        else:
            home = coursedir.find(args.course).home
            print("stopped" if server.stop(home) else f"no grader server runs for {home}")
        return 0
    home = coursedir.find(args.course).home
    if args.action == "start":
        server.start(home)
    st = server.status(home)
    if st is None:
        print(f"no grader server runs for {home} (the next tobops grade or selfcheck starts one)")
        return 0
    print(f"grader server {st['pid']} for {st['course']}: {st['jobs']} job(s) since "
          f"{__import__('time').strftime('%F %T', __import__('time').localtime(st['since']))}, "
          f"{'busy' if st['busy'] else 'idle'}; "
          + (f"held by process {', '.join(map(str, st['holders']))} (stops when it ends)" if st.get("holders")
             else f"stops after {st['idle_timeout']:g} s idle (TOBOPS_SERVER_IDLE)") + f"; log {st['log']}")
    return 0


def cmd_lab(args) -> int:
    from tobops.grade import coursedir
    from tobops.room import workspace

    course = coursedir.find(args.course)
    settings = Settings.load()
    workspace.run_lab(course.home, settings.exchange_root(course.home), course.course_id, args.lang, args.dir,
                      args.port)
    return 0


def cmd_lint(args) -> int:
    from tobops.assess import bank, lint
    from tobops.grade import coursedir

    paths = args.files or sorted(bank.bank_dir(coursedir.find(args.course).root).glob("*.toml"))
    if not paths:
        raise UsageError("no item bank files found (assignments/bank/*.toml)")
    report = lint.lint_paths(paths)
    print(report.text())
    return 1 if report.problems else 0


def cmd_hub(args) -> int:
    from tobops.grade import coursedir
    from tobops.room import hub

    course = coursedir.find(args.course)
    room = hub.Hub(Path(args.data), course.home, args.ip, args.port)
    if args.action == "add-trainee":
        new = hub.add_trainees(room, args.names, args.lang)
        print(f"added {', '.join(new) or 'nobody new'}; restart the hub (or add them on its Admin page) "
              "so they can log in")
        return 0
    if args.names:
        raise UsageError(f"unexpected names {' '.join(args.names)}: did you mean `tobops hub add-trainee ...`?")
    return hub.run(room)


# --------------------------------------------------------------------------- the parser

def _limit_options(sp: argparse.ArgumentParser) -> None:
    g = sp.add_argument_group("limits on graded trainee code (default: TOBOPS_* variables, else the course's)")
    helps = {"cell_timeout": "seconds a cell may run", "notebook_timeout": "seconds for a whole notebook",
             "max_output_kb": "output kept per cell (kB)", "memory_mb": "kernel memory (MB)",
             "cpu_seconds": "kernel CPU time (s)", "file_mb": "largest file a kernel may write (MB)"}
    for name, default in ((f.name, f.default) for f in Limits.__dataclass_fields__.values()):
        g.add_argument(f"--{name.replace('_', '-')}", dest=name, type=int, default=None, metavar="N",
                       help=f"{helps[name]} (default {default})")


def _course_args(sp: argparse.ArgumentParser, out: bool = False) -> None:
    sp.add_argument("assessment", nargs="?", help="assessment id, e.g. 02-tob-vs-toc")
    sp.add_argument("--all", action="store_true", help="every assessment")
    sp.add_argument("--course", help="course folder (default: here or the nearest parent with nbgrader_config.py)")
    if out:
        sp.add_argument("--out", default="reports", help="output folder (default: reports/)")


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
    m.add_argument("--workers", type=int, default=None, help="grading processes (default: one more than the cores)")
    _limit_options(m)
    m.set_defaults(func=cmd_demo)

    g = sub.add_parser("grade", help="grade submitted notebooks (parallel, sandboxed)")
    _course_args(g)
    g.add_argument("--workers", type=int, default=None, help="grading processes (default: one more than the cores)")
    g.add_argument("--force", action="store_true", help="regrade submissions that are already graded")
    g.add_argument("--student", action="append", metavar="NAME", help="only this trainee (repeatable)")
    g.add_argument("--no-server", action="store_true",
                   help="grade in this process, not on the course's warm grader server (see tobops server)")
    _limit_options(g)
    g.set_defaults(func=cmd_grade)

    e = sub.add_parser("export", help="write grades.csv and items.csv")
    _course_args(e, out=True)
    e.set_defaults(func=cmd_export)

    r = sub.add_parser("report", help="write the HTML cohort report (and the CSVs)")
    _course_args(r, out=True)
    r.add_argument("--lang", choices=["en", "zh"], default="en", help="the report's language (trainee pages: "
                   "each trainee's own)")
    r.add_argument("--count-late", action="store_true", help="count submissions made after the due date")
    r.set_defaults(func=cmd_report)

    b = sub.add_parser("build", help="build nbgrader's source notebooks from the item bank (assignments/bank/)")
    b.add_argument("assessment", nargs="*", help="assessment ids (default: every bank)")
    b.add_argument("--check", action="store_true", help="only say whether the committed notebooks are up to date")
    b.add_argument("--course", help="course folder (default: here or the nearest parent with nbgrader_config.py)")
    b.set_defaults(func=cmd_build)

    rl = sub.add_parser("release", help="release an assessment: every trainee gets their own form")
    rl.add_argument("assessment")
    when = rl.add_mutually_exclusive_group()
    when.add_argument("--minutes", type=int, help="due this many minutes from now (a timed window)")
    when.add_argument("--due", help="due at this time, e.g. '2026-12-02 16:00' (local time)")
    rl.add_argument("--course", help="course folder (default: here or the nearest parent with nbgrader_config.py)")
    rl.set_defaults(func=cmd_release)

    rt = sub.add_parser("retake", help="open the next attempt of an assessment for one trainee (a new form)")
    rt.add_argument("assessment")
    rt.add_argument("trainee")
    rt.add_argument("--course", help="course folder (default: here or the nearest parent with nbgrader_config.py)")
    rt.set_defaults(func=cmd_retake)

    tr = sub.add_parser("trainee", help="put trainees on the roster, with their language")
    tr.add_argument("names", nargs="+")
    tr.add_argument("--lang", choices=["en", "zh"], help="their language: forms and feedback follow it")
    tr.add_argument("--team", help="their team (a region, a sales group): the report filters by it")
    tr.add_argument("--course", help="course folder (default: here or the nearest parent with nbgrader_config.py)")
    tr.set_defaults(func=cmd_trainee)

    pr = sub.add_parser("practice", help="self-learners: write a practice form of an assessment")
    pr.add_argument("assessment")
    pr.add_argument("--lang", choices=["en", "zh"], default="en")
    pr.add_argument("--dir", default=".", help="where to put it (default: here)")
    pr.set_defaults(func=cmd_practice)

    c = sub.add_parser("selfcheck", help="self-learners: check your practice form")
    c.add_argument("assessment", help="assessment id, e.g. 02-tob-vs-toc")
    c.add_argument("notebook", nargs="?", help="your notebook (default: ./ASSESSMENT/ASSESSMENT.ipynb)")
    c.add_argument("--out", default="feedback", help="where to write the feedback page (default: feedback/)")
    c.add_argument("--no-server", action="store_true", help="check in this process, not on the warm grader server")
    c.set_defaults(func=cmd_selfcheck)

    sv = sub.add_parser("server", help="the course's warm grader server (started by grade and selfcheck)")
    sv.add_argument("action", choices=["status", "start", "stop"],
                    help="start: now, every worker warm, so that the next grade pays no start-up")
    sv.add_argument("--all", action="store_true", help="stop: every grader server of yours")
    sv.add_argument("--course", help="course folder (default: here or the nearest parent with nbgrader_config.py)")
    sv.set_defaults(func=cmd_server)

    lb = sub.add_parser("lab", help="JupyterLab for a trainee: their workspace, lessons and assessments, no keys")
    lb.add_argument("--lang", choices=["en", "zh"], default="en", help="the edition (and JupyterLab's language)")
    lb.add_argument("--dir", help="the workspace folder (default: workspace/ in the course folder)")
    lb.add_argument("--port", type=int)
    lb.add_argument("--course", help="course folder (default: here or the nearest parent with nbgrader_config.py)")
    lb.set_defaults(func=cmd_lab)

    li = sub.add_parser("lint", help="check the item bank against the item-writing rules (docs/item-bank.md)")
    li.add_argument("files", nargs="*", help="bank files (default: the course's assignments/bank/*.toml)")
    li.add_argument("--course", help="course folder (default: here or the nearest parent with nbgrader_config.py)")
    li.set_defaults(func=cmd_lint)

    h = sub.add_parser("hub", help="JupyterHub for a training room (see README)",
                       description="Start the course hub, or put trainees on its roster.")
    h.add_argument("action", nargs="?", default="run", choices=["run", "add-trainee"])
    h.add_argument("names", nargs="*", help="trainee names (add-trainee)")
    h.add_argument("--course", help="course folder (default: this one)")
    h.add_argument("--data", default="hub-data", help="where the hub keeps homes, exchange, roster, secrets")
    h.add_argument("--ip", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    h.add_argument("--port", type=int, default=8000)
    h.add_argument("--lang", choices=["en", "zh"], default="en", help="the new trainees' language (add-trainee)")
    h.set_defaults(func=cmd_hub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except TobopsError as exc:
        print(f"tobops {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ntobops: interrupted; what was graded is saved, run the same command again to finish.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
