"""Every lesson notebook runs top to bottom with no error and nothing on stderr, is
committed clean, and follows the lesson standard (docs/authoring.md)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import nbformat
import pytest

from conftest import REPO
from tobops.content import course as course_meta
from tobops.content.notebooks import execute

LESSONS = sorted((REPO / "lessons").glob("*.ipynb")) + sorted((REPO / "lessons" / "zh").glob("*.ipynb"))
TRACKED = [REPO / p for p in subprocess.run(["git", "ls-files", "*.ipynb"], cwd=REPO, capture_output=True,
                                            text=True).stdout.split()]


def test_every_lesson_in_the_course_has_its_notebook():
    lessons = course_meta.lessons()
    assert [les.number for les in lessons] == list(range(9)), "lessons 00 to 08, one per section of the course"
    for les in lessons:
        assert les.id == f"L{les.number:02d}"
        assert re.fullmatch(rf"lessons/{les.number:02d}-[a-z0-9-]+\.ipynb", les.notebook), les.notebook
        assert (REPO / les.notebook).exists(), f"{les.id}: {les.notebook} is missing"
    on_disk = sorted(p.name for p in (REPO / "lessons").glob("[0-9][0-9]-*.ipynb"))
    assert on_disk == sorted(Path(les.notebook).name for les in lessons), "a lesson notebook no lesson lists"


@pytest.mark.parametrize("path", TRACKED + [p for p in LESSONS if p not in TRACKED], ids=lambda p: p.name)
def test_committed_notebooks_are_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, "commit notebooks with outputs cleared"


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_runs_top_to_bottom_without_errors_or_stderr(path, tmp_path):
    copy = tmp_path / "lessons" / path.name  # run a copy: nothing is written into the repo
    copy.parent.mkdir()
    shutil.copy(path, copy)
    _, problems = execute(copy, timeout=300)
    assert problems == []


def _text(nb) -> str:
    return "\n".join(c.source for c in nb.cells)


SOURCES = tomllib.loads((REPO / "tobops" / "content" / "data" / "sources.toml").read_text(encoding="utf-8"))["source"]
HEADINGS = {"en": ("Questions", "Learning objectives", "Key points", "Time", "Reading list", "Show a worked solution"),
            "zh": ("本课要回答的问题", "学习目标", "要点", "用时", "阅读材料", "查看参考解答")}


@pytest.mark.parametrize("les, lang", [(l, g) for l in course_meta.lessons() if l.number > 0 for g in ("en", "zh")],
                         ids=lambda v: v.id if hasattr(v, "id") else v)
def test_lesson_follows_the_standard(les, lang):
    path = REPO / les.notebook_in(lang)
    if lang == "zh" and not path.exists():
        pytest.fail(f"{les.id}: no Chinese edition yet")
    nb = nbformat.read(path, as_version=4)
    text = _text(nb)
    questions, objectives_h, key_points, time_word, reading, solution = HEADINGS[lang]
    first = nb.cells[0].source
    minutes = les.minutes_zh if lang == "zh" else les.minutes
    assert f"{les.number:02d}" in first and time_word in first and str(minutes) in first
    assert reading in first, "a reading list in the first cell"
    for seed in les.seeds:
        src = next(s for s in SOURCES if s["file"] == seed)
        assert src["short"][lang] in first, f"{les.id}: the reading list lacks {src['short'][lang]}"
    assert not re.search(r"\bseed 00\d|00[0-4]_[0-9a-f]{16}", text, re.I), \
        "articles are named by their short titles, never by file name (a trainee has no such file)"
    assert re.search(rf"#+ *{objectives_h}", text) and re.search(rf"#+ *{questions}", text)
    for oid in les.objectives:
        assert f"**{oid}**" in text, f"{les.id}: objective {oid} is not listed"
    for section in les.sections:
        assert re.search(rf"^#+ *{re.escape(section)}\b", text, re.M), f"{les.id}: no heading for section {section}"
    assert re.search(rf"#+ *{key_points}", text)
    assert f"<summary>{solution}</summary>" in text, "an exercise with a revealable worked solution"
    assert "load(" in text and ("plt." in text or "ax." in text), "a pandas worked example with a chart"
    assert "quiz(" in text, "self-checks"
    assert f"interactives import l{les.number:02d}" in text or f"interactives.l{les.number:02d}" in text
    if les.assessment:
        assert les.assessment in text, "points to its assessment"


def test_objectives_name_no_source_file():
    for les in course_meta.lessons():
        for oid, text in {**les.objectives, **les.objectives_zh}.items():
            assert not re.search(r"\bseed 00\d|00[0-4]_[0-9a-f]{16}", text, re.I), f"{oid} names a source file"


@pytest.mark.parametrize("les", course_meta.lessons(), ids=lambda l: l.id)
def test_self_checks_are_well_formed_and_their_answers_stay_out_of_the_notebook(les):
    nb = nbformat.read(REPO / les.notebook, as_version=4)
    text = _text(nb)
    assert les.quiz, f"{les.id} has no self-check questions"
    for q in les.quiz:
        if "options" in q:
            assert 1 <= int(q["answer"]) <= len(q["options"]), f"{les.id}/{q['id']}: answer out of range"
            assert len(set(q["options"])) == len(q["options"])
        else:
            assert "expected" in q and "tolerance" in q
        if q.get("why"):
            assert q["why"] not in text, f"{les.id}/{q['id']}: the explanation is in the notebook"
        if q.get("section"):
            assert q["section"] in les.sections
    assert "answer =" not in text


def test_self_check_keys_are_spread_over_the_positions():
    from collections import Counter

    by_count: dict[int, Counter] = {}
    for les in course_meta.lessons():
        for q in les.quiz:
            if "options" in q:
                by_count.setdefault(len(q["options"]), Counter())[int(q["answer"])] += 1
    for k, counts in by_count.items():
        total = sum(counts.values())
        if total < 8:
            continue
        for pos in range(1, k + 1):
            share = counts.get(pos, 0) / total
            assert abs(share - 1 / k) <= 0.10, f"{k}-option self-checks: position {pos} holds {share:.0%} of keys"


def test_readme_lists_every_lesson_with_its_time_and_assessment():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for les in course_meta.lessons():
        row = next((line for line in readme.splitlines() if f"]({les.notebook})" in line), None)
        assert row, f"README does not list {les.notebook}"
        assert f"]({les.notebook_in('zh')})" in row, f"README does not link the Chinese edition of {les.id}"
        assert f"| {les.minutes} min | {les.minutes_zh} min |" in row
        if les.assessment:
            assert f"`{les.assessment}`" in row
