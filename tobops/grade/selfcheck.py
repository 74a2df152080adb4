"""``tobops practice`` and ``tobops selfcheck``: self-learners practise on forms of their own.

``practice`` writes a *practice form* of an assessment (``./<id>/<id>.ipynb``): drawn like a
graded form, from the same pools, but with odd data versions where graded forms have even
ones, so that no practice form equals a graded form. Asking again moves the last one aside
(``<id> (practice N)``) and writes a new one.

``selfcheck`` runs the learner's practice form in a sandboxed kernel (the course's limits),
scores it with the grader's own code (:func:`tobops.grade.scoring.score_notebook`) in this
process, prints what was right and wrong with the lesson section to revisit, shows how to
grade the written answer yourself (its criteria and what each level looks like), and writes
a feedback page. The certification is different: it prints the total and bands (per
objective, pooled per lesson where an objective has a single item), never per-item right or
wrong, so that its pools cannot be learnt by trial.

Graded forms are refused: those are scored by the instructor's grader only.
"""
from __future__ import annotations

import functools
import getpass
import re
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

import nbformat

from tobops import TobopsError
from tobops.assess import forms
from tobops.content.course import CERTIFICATION
from tobops.grade.coursedir import Course, find
from tobops.grade.roster import course_seed
from tobops.settings import Settings

BANDS = ((0.8, "strong"), (0.5, "developing"), (0.0, "weak"))
TEXT = {
    "head": {"en": "{a} (practice form {id}): {got:g} of {possible:g} points on the items scored automatically",
             "zh": "{a}（练习卷 {id}）：自动评分的题目得 {got:g} 分，满分 {possible:g} 分"},
    "note": {"en": "  note: {f}", "zh": "  提示：{f}"},
    "revisit": {"en": ": revisit {where}", "zh": "：请复习{where}"},
    "pts": {"en": "pts", "zh": "分"},
    "other": {"en": "other objectives", "zh": "其他目标"},
    "bands": {"en": "  (the certification shows bands, not items: its questions come from pools)",
              "zh": "  （认证考试只显示掌握程度，不显示每道题的对错：题目来自题库）"},
    "written": {"en": "  ? {id} ({n} pts, written): grade yourself, criterion by criterion:",
                "zh": "  ? {id}（{n} 分，书面题）：请按评分标准逐项给自己打分："},
    "strong": {"en": "strong", "zh": "扎实"},
    "developing": {"en": "developing", "zh": "发展中"},
    "weak": {"en": "weak", "zh": "薄弱"},
}


def _t(key: str, lang: str, **kw) -> str:
    return TEXT[key]["zh" if lang == "zh" else "en"].format(**kw)


class SelfCheckError(TobopsError):
    pass


def learner_id() -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "", getpass.getuser()) or "learner"


def find_notebook(assessment: str, notebook: str | None) -> Path:
    if notebook:
        path = Path(notebook)
        if not path.exists():
            raise SelfCheckError(f"{path} does not exist")
        return path
    for cand in (Path(assessment) / f"{assessment}.ipynb", Path(f"{assessment}.ipynb")):
        if cand.exists():
            return cand
    raise SelfCheckError(f"no {assessment}.ipynb here or in ./{assessment}/; make one with "
                         f"`tobops practice {assessment}`, or pass the notebook's path")


def skeleton(course: Course, assessment: str) -> nbformat.NotebookNode:
    """The released shape of an assessment (solutions cleared as nbgrader clears them)."""
    from nbgrader.preprocessors import ClearSolutions

    nb = nbformat.read(course.source_notebook(assessment), as_version=4)
    cfg = course.config()
    nb, _ = ClearSolutions(config=cfg).preprocess(nb, {})
    return nb


# --------------------------------------------------------------------------- practice

def practice(assessment: str, lang: str = "en", dest: str | Path = ".", course: Course | None = None) -> Path:
    """Write a new practice form of ``assessment`` to ``dest/<id>/<id>.ipynb``."""
    course = course or find()
    if assessment not in course.assessments():
        raise SelfCheckError(f"unknown assessment {assessment!r}; known: {', '.join(course.assessments())}")
    folder = Path(dest) / assessment
    path = folder / f"{assessment}.ipynb"
    attempt = 1
    if path.exists():
        meta = nbformat.read(path, as_version=4).metadata.get("tobops", {}).get("form", {})
        attempt = int(meta.get("attempt", 0)) + 1
        kept = folder.with_name(f"{assessment} (practice {attempt - 1})")
        if kept.exists():
            shutil.rmtree(kept)
        folder.rename(kept)
    bank = course.bank(assessment)
    form = forms.draw(bank, course_seed(course.root), learner_id(), attempt, practice=True)
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(forms.render(bank, form, skeleton(course, assessment), lang), path)
    return path


# --------------------------------------------------------------------------- selfcheck

def _execute(nb: nbformat.NotebookNode, settings: Settings, workdir: Path, kernel_manager_class=None) -> None:
    from nbclient import NotebookClient

    from tobops.grade.kernel import SandboxedKernelManager

    lim = settings.limits
    client = NotebookClient(
        nb, timeout=lim.cell_timeout, kernel_name="python3", allow_errors=True, shutdown_kernel="immediate",
        kernel_manager_class=kernel_manager_class or SandboxedKernelManager,
        resources={"metadata": {"path": str(workdir)}},
        extra_arguments=["--HistoryManager.enabled=False", "--InteractiveShell.xmode=Plain"])
    client.km = client.create_kernel_manager()
    client.km.memory_mb, client.km.cpu_seconds, client.km.file_mb = lim.memory_mb, lim.cpu_seconds, lim.file_mb
    client.execute()


def run(assessment: str, notebook: str | None = None, out_dir: str | Path = "feedback",
        course: Course | None = None, settings: Settings | None = None, kernel_manager_class=None) -> dict:
    """Check a practice form: its lines to print, the feedback page, the points per item.
    ``kernel_manager_class``: the grader server passes its forking one (a warm kernel)."""
    from tobops.grade.scoring import score_notebook

    course = course or find()
    path = find_notebook(assessment, notebook).resolve()
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises several kinds
        raise SelfCheckError(f"{path} is not a readable notebook: {exc}") from exc
    meta = nb.metadata.get("tobops", {}).get("form", {})
    if not meta:
        raise SelfCheckError(f"{path} is not a form of {assessment}: make a practice form with "
                             f"`tobops practice {assessment}`")
    if not meta.get("practice"):
        raise SelfCheckError(f"{path} is a graded form: it is scored by your instructor's grader, not here. "
                             f"Practise on `tobops practice {assessment}`.")
    bank = course.bank(assessment)
    form = forms.draw(bank, course_seed(course.root), str(meta.get("trainee", "")), int(meta.get("attempt", 1)),
                      practice=True)
    if form.id != meta.get("id"):
        raise SelfCheckError(f"{path} is practice form {meta.get('id')}, which this course did not make "
                             f"(its bank or seed changed): make a new one with `tobops practice {assessment}`")
    lang = nb.metadata.get("tobops", {}).get("lang", "en")
    work = Path(tempfile.mkdtemp(prefix="tobops-selfcheck-"))
    try:
        _execute(nb, settings or Settings.load(), work, kernel_manager_class)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    grading = score_notebook(nb, bank, form, lang)
    scores = _scores(nb, bank)
    lines = summary_lines(bank, form, scores, grading, lang)
    page = _feedback_page(nb, Path(out_dir), assessment)
    return {"lines": lines, "feedback": page, "scores": scores, "grading": grading}


def _scores(nb, bank) -> dict[str, float | None]:
    """Points per item as nbgrader would give them (None: a written answer, graded by hand)."""
    from nbgrader.utils import determine_grade

    out = {}
    for cell in nb.cells:
        tag = cell.metadata.get("tobops", {})
        if tag.get("item") and cell.metadata.get("nbgrader", {}).get("grade"):
            out[tag["item"]] = None if tag.get("kind") == "written" else determine_grade(cell)[0]
    return out


def _band(share: float, lang: str = "en") -> str:
    return _t(next(name for cut, name in BANDS if share >= cut), lang)


def summary_lines(bank, form, scores: dict, grading: dict, lang: str) -> list[str]:
    from tobops.content.course import lesson
    from tobops.grade.scoring import where

    auto = [s for s in bank.slots if s.kind != "written"]
    got = sum(scores.get(s.id) or 0 for s in auto)
    possible = sum(s.points for s in auto)
    lines = [_t("head", lang, a=bank.assessment, id=form.id, got=got, possible=possible)]
    lines += [_t("note", lang, f=f) for f in grading["findings"]]
    if bank.assessment == CERTIFICATION:
        by_obj: dict[str, list] = defaultdict(list)
        for s in auto:
            by_obj[s.objective].append(s)
        pooled: dict[str, list] = defaultdict(list)
        for obj, slots in sorted(by_obj.items()):
            if len(slots) >= 2:
                share = sum(scores.get(s.id) or 0 for s in slots) / sum(s.points for s in slots)
                lines.append(f"  {obj}: {_band(share, lang)}")
            else:
                pooled[obj.split(".")[0]] += slots
        for les_id, slots in sorted(pooled.items()):
            share = sum(scores.get(s.id) or 0 for s in slots) / sum(s.points for s in slots)
            lines.append(f"  {les_id} ({lesson(les_id).title_in(lang)}), {_t('other', lang)}: {_band(share, lang)}")
        lines.append(_t("bands", lang))
    else:
        for s in auto:
            pts = scores.get(s.id) or 0
            mark = "✔" if pts == s.points else "✘"
            lines.append(f"  {mark} {s.id} ({s.points} {_t('pts', lang)})"
                         + ("" if pts == s.points else _t("revisit", lang, where=where(s, lang))))
    for s in bank.slots:
        if s.kind != "written":
            continue
        v = s.variant(form.pick(s.id).variant)
        lines.append(_t("written", lang, id=s.id, n=s.points))
        for c in v.criteria:
            lines.append(f"      {c.name(lang)}")
            lines += [f"        {lv.points}: {lv.desc(lang)}" for lv in c.levels]
    return lines


@functools.lru_cache(maxsize=1)
def _exporter():
    """One HTML exporter per process: its templates are compiled once (a warm grader server
    writes many pages)."""
    from nbconvert import HTMLExporter

    return HTMLExporter()


def _feedback_page(nb, out_dir: Path, assessment: str) -> Path | None:
    from tobops.grade.feedback import HideAnswerKeys

    nb, _ = HideAnswerKeys().preprocess(nb, {})
    html, _ = _exporter().from_notebook_node(nb)
    out_dir.mkdir(parents=True, exist_ok=True)
    page = out_dir / f"{assessment}.html"
    page.write_text(html, encoding="utf-8")
    return page
