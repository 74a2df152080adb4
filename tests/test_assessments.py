"""Every assessment is built from its spec, tagged consistently, and together they test
every objective (the grading of each, through stock nbgrader: tests/test_stock_nbgrader.py)."""
from __future__ import annotations

import importlib.util

import pytest

from conftest import REPO
from tobops.assess import items as items_mod
from tobops.content import course as course_meta

SOURCE = REPO / "assignments" / "source"
ASSESSMENTS = sorted(p.name for p in SOURCE.iterdir() if p.is_dir())


def load_builder():
    spec = importlib.util.spec_from_file_location("build_assessments", REPO / "tools" / "build_assessments.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_there_are_assessments():
    assert "02-tob-vs-toc" in ASSESSMENTS


@pytest.mark.parametrize("assessment", ASSESSMENTS)
def test_committed_notebook_equals_a_fresh_build_of_its_spec(assessment):
    builder = load_builder()
    mod = next(m for m in builder.specs() if m.ASSESSMENT == assessment)
    committed = (SOURCE / assessment / f"{assessment}.ipynb").read_text(encoding="utf-8")
    assert builder.render(mod) == committed, "run `make assessments` and commit the result"


@pytest.mark.parametrize("assessment", ASSESSMENTS)
def test_items_are_tagged_consistently(assessment):
    path = SOURCE / assessment / f"{assessment}.ipynb"
    assert items_mod.problems(path) == []
    items = items_mod.read_items(path)
    kinds = {i.kind for i in items}
    assert {"choice", "numeric", "written"} <= kinds, f"an assessment mixes all three kinds, has {kinds}"
    objectives = course_meta.objectives()
    for item in items:
        assert item.objective in objectives, f"{item.item}: unknown objective {item.objective}"
        les = course_meta.lesson(item.lesson)
        assert item.objective.startswith(les.id + ".")
        assert item.section in les.sections, f"{item.item}: {les.id} has no section {item.section}"
        assert item.points > 0


def test_every_objective_of_every_lesson_is_assessed():
    tested = set()
    for a in ASSESSMENTS:
        tested |= {i.objective for i in items_mod.read_items(SOURCE / a / f"{a}.ipynb")}
    for les in course_meta.lessons():
        if les.assessment:
            assert les.assessment in ASSESSMENTS, f"{les.id}: its assessment {les.assessment} is missing"
        for oid in les.objectives:
            if les.number > 0:
                assert oid in tested, f"objective {oid} is not tested by any item"


def test_certification_exam_draws_on_every_lesson():
    items = items_mod.read_items(SOURCE / course_meta.CERTIFICATION / f"{course_meta.CERTIFICATION}.ipynb")
    lessons = {i.lesson for i in items}
    assert lessons == {les.id for les in course_meta.lessons() if les.number > 0}
