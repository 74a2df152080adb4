"""The item bank, on its own: it follows the item-writing rules (tobops lint), its forms
are a pure function of (seed, assessment, trainee, attempt), practice forms never equal
graded ones, every form's keys can be computed, every data task needs its line completed
and gives different trainees different numbers, and the certification's items are not
near-clones of what trainees saw before."""
from __future__ import annotations

import math
import re

import pytest

from conftest import REPO
from tobops.assess import bank, forms, lint
from tobops.content.course import lessons

BANKS = {p.stem: bank.load(p) for p in sorted((REPO / "assignments" / "bank").glob("*.toml"))}
CERT = BANKS["09-certification"]


def test_the_whole_bank_follows_the_item_writing_rules():
    report = lint.lint(list(BANKS.values()), {les.id: les.objectives for les in lessons()})
    print(report.text())
    assert report.problems == []


def test_lint_catches_what_it_is_for():
    """Each rule can fail: a bank that breaks them is reported."""
    b = bank.load(REPO / "tests" / "data" / "mini-bank.toml")
    slot = b.slots[0]
    v = slot.variants[0]
    long_key = bank.Variant(v.id, bank.Text("Which is **NOT** right, according to the article?", "x"),
                            options=(bank.Text("a" * 90, "甲"), *v.options[1:]), key=0, why=v.why)
    broken = bank.Bank(b.assessment, b.lesson, b.minutes, b.title, b.intro, b.datasets,
                       (bank.Slot(slot.id, "choice", 2, slot.objective, slot.section, "apply", (long_key,)),),
                       b.blueprint)
    problems = "\n".join(lint.lint([broken], {}).problems)
    for expected in ("more than 1.5 times", "at least 2", "article says", "blueprint", "negative stems"):
        assert expected in problems, expected


@pytest.mark.parametrize("assessment", sorted(BANKS))
def test_forms_are_a_pure_function_of_seed_assessment_trainee_and_attempt(assessment):
    b = BANKS[assessment]
    first = forms.draw(b, "seed-1", "ana", 1)
    assert forms.draw(b, "seed-1", "ana", 1) == first
    others = {forms.draw(b, "seed-1", f"t{i}", 1).id for i in range(40)}
    assert len(others) >= 35, "different trainees get different papers"
    assert forms.draw(b, "seed-1", "ana", 2).id != first.id, "a retake is a new paper"
    assert forms.draw(b, "seed-2", "ana", 1).id != first.id, "another course, another paper"
    graded = [forms.draw(b, "seed-1", f"t{i}", 1) for i in range(40)]
    practice = [forms.draw(b, "seed-1", f"t{i}", n, practice=True) for i in range(40) for n in (1, 2)]
    assert all(f.data % 2 == 0 and f.data > 0 for f in graded) and all(f.data % 2 == 1 for f in practice)
    assert not {f.id for f in graded} & {f.id for f in practice}, "no practice form equals a graded form"
    used = {(p.slot, p.variant) for f in graded for p in f.picks}
    assert used == {(s.id, v.id) for s in b.slots for v in s.variants}, "every variant is drawn"


@pytest.mark.parametrize("assessment", sorted(BANKS))
def test_every_form_has_computable_keys_and_data_tasks_differ_between_trainees(assessment):
    b = BANKS[assessment]
    sample = [forms.draw(b, "seed-1", f"t{i}", 1) for i in range(12)]
    for f in sample:
        for key in forms.keys(b, f).values():
            if key.kind == "choice":
                assert key.value in forms.LETTERS
            elif key.kind == "numeric":
                assert math.isfinite(key.value)
    for slot in (s for s in b.slots if s.kind == "numeric"):
        for v in slot.variants:
            assert "..." in v.starter and "..." not in v.solution
            values = [forms.run_solution(v.solution, f.data, slot.id) for f in sample]
            close = sum(abs(x - y) <= v.tolerance for i, x in enumerate(values) for y in values[i + 1:])
            pairs = len(values) * (len(values) - 1) // 2
            assert close <= 0.25 * pairs, f"{v.id}: trainees' numbers too often within the tolerance of each other"


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower())}


def test_certification_items_are_not_near_clones_of_what_trainees_saw_before():
    seen = []
    for a, b in BANKS.items():
        if a != CERT.assessment:
            seen += [v.stem.en for s in b.slots for v in s.variants]
    for les in lessons():
        seen += [q.get("prompt", "") for q in les.quiz]
    seen_words = [_words(t) for t in seen if t]
    for slot in CERT.slots:
        for v in slot.variants:
            mine = _words(v.stem.en)
            for other in seen_words:
                overlap = len(mine & other) / max(1, len(mine | other))
                assert overlap < 0.6, f"{v.id} is a near-clone of an item trainees saw before"
