"""Benchmark: `tobops grade` against stock `nbgrader autograde`, measured side by side.

    .venv/bin/python benchmarks/grading.py [--trainees 50] [--assessments A B ...] [--workers N]

Builds one synthetic cohort (perfect, partial, wrong, blank and syntax-error submissions
for every assessment), copies the course twice, grades one copy with `nbgrader
autograde` (the stock CLI, one process per assessment) and the other with `tobops grade`,
checks that every cell got the same score, and times bare nbclient execution of a
sample of the same notebooks (one at a time, no grading) for reference. Prints the cost
per notebook of each and, last, ``speedup over nbgrader autograde: X.Xx``.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tobops.room import demo
from tobops.grade import grader  # noqa: E402
from tobops.grade.coursedir import Course  # noqa: E402
from tobops.settings import Settings  # noqa: E402

PROFILES = ["perfect", "partial", "wrong", "blank", "partial", "syntax"]


def cell_scores(course: Course, assessments: list[str]) -> dict:
    out = {}
    with course.gradebook() as gb:
        for a in assessments:
            for sub in gb.assignment_submissions(a):
                for nb in sub.notebooks:
                    for g in nb.grades:
                        out[(a, sub.student.id, nb.name, g.name)] = (g.auto_score, g.needs_manual_grade)
    return out


def bare_execution(notebooks: list[Path]) -> float:
    """Seconds per notebook to run it with nbclient alone (fresh kernel each, one at a time)."""
    import nbformat
    from nbclient import NotebookClient

    t0 = time.perf_counter()
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=30, allow_errors=True, kernel_name="python3", shutdown_kernel="immediate",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    return (time.perf_counter() - t0) / max(1, len(notebooks))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trainees", type=int, default=50)
    ap.add_argument("--assessments", nargs="*", default=None)
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    ap.add_argument("--bare-sample", type=int, default=40, help="notebooks to time for bare execution")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="tobops-bench-"))
    try:
        profiles = [PROFILES[i % len(PROFILES)] for i in range(args.trainees)]
        print(f"building a cohort of {args.trainees} trainees in {work} ...", flush=True)
        base, assessments, _ = demo.prepare(work / "base", args.assessments, args.trainees, profiles=profiles)
        stock_dir, ours_dir = work / "stock", work / "tobops"
        shutil.copytree(base.home, stock_dir, symlinks=True)
        shutil.copytree(base.home, ours_dir, symlinks=True)
        stock, ours = Course(stock_dir), Course(ours_dir)
        submitted = sorted(ours.root.glob("submitted/*/*/*.ipynb"))
        n = len(submitted)
        print(f"{n} submitted notebooks over {len(assessments)} assessment(s); {os.cpu_count()} cores", flush=True)

        t0 = time.perf_counter()
        for a in assessments:
            proc = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "autograde", a],
                                  cwd=stock.home, capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"  (nbgrader autograde {a} exited {proc.returncode}; it gives up on notebooks it cannot grade)")
        t_stock = time.perf_counter() - t0
        print(f"nbgrader autograde: {t_stock:7.1f} s  {t_stock / n:6.3f} s/notebook", flush=True)

        t0 = time.perf_counter()
        grader.grade(ours, assessments, settings=Settings.load(), workers=args.workers,
                     progress=False)
        t_ours = time.perf_counter() - t0
        print(f"tobops grade:       {t_ours:7.1f} s  {t_ours / n:6.3f} s/notebook  ({args.workers} workers)", flush=True)

        a_scores, b_scores = cell_scores(stock, assessments), cell_scores(ours, assessments)
        diff = [k for k in set(a_scores) | set(b_scores) if a_scores.get(k) != b_scores.get(k)]
        print(f"scores identical: {'yes' if not diff else 'NO'} ({len(b_scores)} graded cells compared"
              + (f", {len(diff)} differ, e.g. {sorted(diff)[:3]}" if diff else "") + ")")

        sample = random.Random(0).sample(submitted, min(args.bare_sample, n))
        per_bare = bare_execution(sample)
        cores = os.cpu_count() or 1
        print(f"bare nbclient:      {per_bare:6.3f} s/notebook one at a time (sample of {len(sample)}); "
              f"/ {cores} cores = {per_bare / cores:.3f} s")
        print(f"tobops grade vs bare/cores: {(t_ours / n) / (per_bare / cores):.2f}x")
        print(f"speedup over nbgrader autograde: {t_stock / t_ours:.1f}x")
        return 0 if not diff else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
