"""Every assessment is built from its item bank, tagged consistently, and together they
test every objective (the bank's own rules: tests/test_bank.py; the grading of each,
through stock nbgrader: tests/test_stock_nbgrader.py)."""
from __future__ import annotations

import pytest

from conftest import REPO
from tobops.assess import authoring, bank
from tobops.assess import items as items_mod
from tobops.content import course as course_meta

SOURCE = REPO / "assignments" / "source"
BANK = REPO / "assignments" / "bank"
ASSESSMENTS = sorted(p.name for p in SOURCE.iterdir() if p.is_dir())


def test_there_are_assessments_and_each_has_its_bank():
    assert "02-tob-vs-toc" in ASSESSMENTS and len(ASSESSMENTS) == 9
    assert sorted(p.stem for p in BANK.glob("*.toml")) == ASSESSMENTS


@pytest.mark.parametrize("assessment", ASSESSMENTS)
def test_committed_notebook_equals_a_fresh_build_of_its_bank(assessment):
    committed = (SOURCE / assessment / f"{assessment}.ipynb").read_text(encoding="utf-8")
    assert authoring.render(bank.load(BANK / f"{assessment}.toml")) == committed, \
        "run `make assessments` (tobops build) and commit the result"


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
