"""Synthetic trainees and their submissions, for the demo, the tests and the benchmark.

A submission starts from the trainee's own form (what they fetch: :mod:`tobops.assess.forms`)
and fills its answer cells according to a profile: ``perfect``, ``partial``, ``wrong``,
``blank``, or a broken one (``syntax``, ``loop``, ``corrupt``, ``renamed``, ``missing``,
...). Correct answers come from the bank for that form (the right letter after shuffling,
the instructor's solution of a data task, run in the trainee's kernel on their own data, a
full-marks written answer); wrong ones are deliberate.
"""
from __future__ import annotations

import copy
import random
from dataclasses import dataclass

import nbformat

from tobops.assess import forms
from tobops.assess.bank import Bank
from tobops.assess.items import cell_id, is_test_cell

# good submissions, then every kind of broken one the grader must name
PROFILES = ("perfect", "perfect", "partial", "partial", "partial", "wrong", "blank",
            "syntax", "loop", "corrupt", "missing", "renamed")
NAMES = ("ana", "bo", "chen", "dana", "eli", "fang", "gus", "hui", "ivan", "jia", "kai", "lin",
         "mei", "nico", "omar", "ping", "qing", "ravi", "sara", "tao", "uma", "vik", "wen", "xia",
         "yan", "zoe")

WEAK_TEXT = {"en": "ToB is different from ToC, so it is fine.", "zh": "ToB 和 ToC 不一样，所以没问题。"}


@dataclass(frozen=True)
class Trainee:
    id: str
    profile: str
    lang: str = "en"  # the edition they work in: every third synthetic trainee works in Chinese


def cohort(size: int = 12, seed: int = 7) -> list[Trainee]:
    """``size`` trainees: every profile once, then partial ones (deterministic)."""
    rng = random.Random(seed)
    profiles = list(PROFILES[:size]) + ["partial"] * max(0, size - len(PROFILES))
    out = []
    for i, profile in enumerate(profiles):
        name = NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else str(i // len(NAMES)))
        out.append(Trainee(f"t{i + 1:03d}-{name}", profile, "zh" if i % 3 == 2 else "en"))
    rng.shuffle(out)
    return sorted(out, key=lambda t: t.id)


def answer_key(bank: Bank, form: forms.Form, lang: str = "en") -> dict[str, dict]:
    """Per item of ``form``: the cell its answer goes in, a right answer and a wrong one."""
    key = {}
    for slot in bank.slots:
        pick = form.pick(slot.id)
        v = slot.variant(pick.variant)
        if slot.kind == "written":
            key[slot.id] = {"cell": slot.id, "right": v.model(lang), "wrong": WEAK_TEXT[lang], "kind": "written",
                            "item": slot.id}
            continue
        if slot.kind == "choice":
            letter = pick.letter_of(v.key)
            wrong_letter = next(x for x in forms.LETTERS[:len(v.options)] if x != letter)
            right, wrong = f'{slot.id} = "{letter}"', f'{slot.id} = "{wrong_letter}"'
        else:
            right, wrong = v.solution, f"{slot.id} = -12345.0"
        key[slot.id] = {"cell": cell_id(slot.id, "answer"), "right": right, "wrong": wrong, "kind": slot.kind,
                        "item": slot.id}
    return key


def fill(release_nb, answers: dict[str, str]):
    """A copy of the released notebook with the given answer cells replaced."""
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    return nb


# every kind of broken submission the grader must name (tests/test_grading.py grades them all)
BROKEN = ("syntax", "loop", "memory", "corrupt", "truncated", "missing_notebook", "renamed", "deleted_cells",
          "edited_tests", "extra_files", "huge_output", "kernel_dies", "stderr", "snoop")


def submission(form_nb, bank: Bank, form: forms.Form, profile: str, seed: int = 0,
               lang: str = "en") -> dict[str, str] | None:
    """One trainee's submission as {file name: text}, or None when nothing was submitted.
    ``form_nb`` is the trainee's own form notebook (as fetched)."""
    assessment = bank.assessment
    release_nb = form_nb
    rng = random.Random(f"{assessment}:{profile}:{seed}")
    key = answer_key(bank, form, lang)
    name = f"{assessment}.ipynb"
    if profile == "missing":
        return None
    if profile == "missing_notebook":
        return {"notes.txt": "I ran out of time, sorry.\n"}
    if profile == "blank":
        return {name: nbformat.writes(release_nb)}
    if profile == "wrong":
        answers = {k["cell"]: k["wrong"] for k in key.values()}
    elif profile == "partial":
        answers = {k["cell"]: (k["right"] if rng.random() < 0.6 else k["wrong"]) for k in key.values()}
    else:
        answers = {k["cell"]: k["right"] for k in key.values()}
    code_items = [k for k in key.values() if k["kind"] != "written"]
    first, middle, last = code_items[0], code_items[len(code_items) // 2], code_items[-1]
    if profile == "syntax":
        answers[middle["cell"]] = middle["right"].replace("=", "= = (", 1)
    elif profile == "loop":
        answers[last["cell"]] = "while True:\n    pass"
    elif profile == "memory":
        answers[first["cell"]] = "hog = bytearray(8 * 1024**3)"
    elif profile == "huge_output":
        # 1.5 MB in five bursts, so that more than 1,000 lines arrive before the 1 MB limit
        answers[first["cell"]] = first["right"] + (
            "\nimport time\nfor i in range(5):\n    print(('spam ' * 20 + '\\n') * 3000, flush=True)\n    time.sleep(0.3)")
    elif profile == "kernel_dies":
        answers[middle["cell"]] = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
    elif profile == "stderr":
        answers[first["cell"]] = first["right"] + "\nimport sys\nprint('debug output', file=sys.stderr)"
    elif profile == "snoop":  # tries to read what the grader can read; the sandbox must stop it
        answers[first["cell"]] = first["right"] + (
            "\nimport glob\nfor p in glob.glob('/**/gradebook.db', recursive=True)[:3] + "
            "glob.glob('/**/source/*/*.ipynb', recursive=True)[:3]:\n"
            "    print('LEAKED', p, open(p, 'rb').read(30))")
    nb = fill(release_nb, answers)
    if profile == "deleted_cells":
        drop = {middle["item"], cell_id(middle["item"], "answer"), cell_id(middle["item"], "format")}
        nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in drop]
    if profile == "edited_tests":
        for c in nb.cells:
            if is_test_cell(c):
                c.source = "pass  # I made the checks pass"
    text = nbformat.writes(nb)
    files = {name: text}
    if profile in ("corrupt", "truncated"):
        files[name] = text[: len(text) // 2] if profile == "truncated" else text.replace('"cells"', '"cells\'', 1)
    elif profile == "renamed":
        files = {"my answers.ipynb": text}
    elif profile == "extra_files":
        files["scratch.py"] = "print('my scratch work')\n"
        files["data.csv"] = "a,b\n1,2\n"
    return files
