"""Each trainee's own form of an assessment, and its keys.

A form picks one variant of every slot of the bank, shuffles each multiple-choice item's
options, and gives the trainee their own version of the course data. It is a pure
function of (course seed, assessment, trainee id, attempt): :func:`draw`. The grader
derives it again from the nbgrader student id when it scores, never from anything in the
submission, so a trainee who submits a colleague's notebook is still graded on their own
form. Practice forms (self-learners, ``practice=True``) use odd data versions and graded
forms even ones, so no practice form equals a graded form.

:func:`keys` computes a form's keys from the bank, in the grader's process: the letter
the right option got after shuffling, and for data tasks the instructor's solution run on
the trainee's own data. :func:`render` writes the notebook a trainee fetches.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import random
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from tobops.assess.bank import Bank, Slot, Variant
from tobops.assess.items import cell_id

LETTERS = "ABCDE"


@dataclass(frozen=True)
class Pick:
    slot: str
    variant: str
    order: tuple[int, ...] = ()  # the authored option indices, in the order this form shows them

    def letter_of(self, option: int) -> str:
        return LETTERS[self.order.index(option)]

    def option_of(self, letter: str) -> int | None:
        i = LETTERS.find(letter)
        return self.order[i] if 0 <= i < len(self.order) else None


@dataclass(frozen=True)
class Form:
    assessment: str
    trainee: str
    attempt: int
    practice: bool
    data: int                      # the trainee's data version (0: the course data; reference form only)
    picks: tuple[Pick, ...]

    @property
    def id(self) -> str:
        """What the form shows (not who it is for): equal ids, equal papers."""
        body = repr((self.assessment, self.data, tuple((p.slot, p.variant, p.order) for p in self.picks)))
        return hashlib.sha256(body.encode()).hexdigest()[:10]

    def pick(self, slot: str) -> Pick:
        for p in self.picks:
            if p.slot == slot:
                return p
        raise KeyError(f"form {self.id} has no slot {slot}")

    def as_dict(self) -> dict:
        d = asdict(self)
        d["id"] = self.id
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Form":
        picks = tuple(Pick(p["slot"], p["variant"], tuple(p.get("order", ()))) for p in d["picks"])
        return cls(d["assessment"], d["trainee"], int(d["attempt"]), bool(d["practice"]), int(d["data"]), picks)


def _rng(seed: str, assessment: str, trainee: str, attempt: int, practice: bool) -> random.Random:
    kind = "practice" if practice else "graded"
    digest = hashlib.sha256("\x00".join([seed, assessment, trainee, str(attempt), kind]).encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def draw(bank: Bank, seed: str, trainee: str, attempt: int = 1, practice: bool = False) -> Form:
    """The form of ``trainee``'s ``attempt`` at ``bank``'s assessment under the course ``seed``."""
    rng = _rng(seed, bank.assessment, trainee, attempt, practice)
    picks = []
    chosen: dict[str, int] = {}
    for slot in bank.slots:
        index = rng.randrange(len(slot.variants))
        followed = chosen.get(slot.follows)
        if followed is not None and len(slot.variants) == len(bank.slot(slot.follows).variants):
            index = followed  # a decision goes with the version of the data task it follows
        chosen[slot.id] = index
        variant = slot.variants[index]
        order = tuple(rng.sample(range(len(variant.options)), len(variant.options))) if slot.kind == "choice" else ()
        picks.append(Pick(slot.id, variant.id, order))
    data = 2 * rng.randrange(1, 2**31) + (1 if practice else 0)  # graded forms even, practice forms odd
    return Form(bank.assessment, trainee, attempt, practice, data, tuple(picks))


def reference(bank: Bank) -> Form:
    """The instructor's reference form (nbgrader's source notebook): each slot's first
    variant, options as authored, the course data."""
    picks = tuple(Pick(s.id, s.variants[0].id, tuple(range(len(s.variants[0].options)))
                       if s.kind == "choice" else ()) for s in bank.slots)
    return Form(bank.assessment, "", 0, False, 0, picks)


# --------------------------------------------------------------------------- keys

@dataclass(frozen=True)
class Key:
    slot: str
    kind: str
    value: str | float | None      # the letter, the number, or None (written: graded by hand)
    tolerance: float = 0.0


def run_solution(code: str, data: int, name: str):
    """Run a data task's code on one version of the course data; returns the variable ``name``."""
    return _run_solution(code, data, name)


@functools.lru_cache(maxsize=4096)
def _run_solution(code: str, data: int, name: str):
    import pandas as pd

    from tobops.content.datasets import load

    ns = {"pd": pd, "load": functools.partial(load, variant=data or None)}
    exec(code, ns)  # noqa: S102 - the instructor's own code from the bank, run by the grader
    return ns[name]


def keys(bank: Bank, form: Form) -> dict[str, Key]:
    out = {}
    for slot in bank.slots:
        pick = form.pick(slot.id)
        v = slot.variant(pick.variant)
        if slot.kind == "choice":
            out[slot.id] = Key(slot.id, "choice", pick.letter_of(v.key))
        elif slot.kind == "numeric":
            out[slot.id] = Key(slot.id, "numeric", round(float(run_solution(v.solution, form.data, slot.id)), 6),
                               v.tolerance)
        else:
            out[slot.id] = Key(slot.id, "written", None)
    return out


def correct(key: Key, value) -> bool:
    """Whether a reported answer (plain JSON data) is right: the grader's rule, in one place."""
    if key.kind == "choice":
        return isinstance(value, str) and value.strip().upper() == key.value
    if key.kind == "numeric":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value \
            and abs(float(value) - float(key.value)) <= key.tolerance
    return False


# --------------------------------------------------------------------------- rendering

LANG_TEXT = {
    "points": {"en": "{n} points", "zh": "{n} 分"},
    "graded_by": {"en": "{n} points, graded by your instructor", "zh": "{n} 分，由讲师评分"},
    "set_choice": {"en": "Set `{item}` to one of {letters}.", "zh": "把 `{item}` 设为 {letters} 中的一个。"},
    "set_number": {"en": "Complete the line marked `...`, run the cell, and leave the result in `{item}` (a number). "
                         "Tolerance: ±{tol:g}{unit}.",
                   "zh": "补全标有 `...` 的那一行，运行单元格，结果留在 `{item}` 中（一个数字）。允许误差：±{tol:g}{unit}。"},
    "criteria": {"en": "**What your instructor looks at** (each criterion 0, 1 or 2 points):",
                 "zh": "**讲师评分时看的方面**（每项 0、1 或 2 分）："},
    "write_below": {"en": "Write your answer in the cell below (double-click it to edit).",
                    "zh": "在下面的单元格里作答（双击即可编辑）。"},
    "form": {"en": "Your form: `{id}` (attempt {attempt}). Each trainee gets their own version of the questions "
                   "and of the data; yours is made for you from your account.",
             "zh": "你的试卷编号：`{id}`（第 {attempt} 次作答）。每位学员拿到的题目版本和数据版本都不同，"
                   "这一份是按你的账号生成的。"},
    "practice": {"en": "Practice form `{id}`: for self-study, with instant feedback from `tobops selfcheck`.",
                 "zh": "练习卷 `{id}`：供自学使用，用 `tobops selfcheck` 可立即看到反馈。"},
    "how": {"en": "**How to answer.** Replace each `raise NotImplementedError()` with your answer and run the cell; "
                  "then run the check cell under it: it records your answer and tells you only whether it has the "
                  "right form. Whether it is right is decided after you submit. Do not rename this notebook or delete "
                  "cells. Before submitting: *Kernel → Restart Kernel and Run All Cells*, then *Validate* in the "
                  "Assignments tab.",
            "zh": "**作答方法。** 把每个 `raise NotImplementedError()` 换成你的答案并运行该单元格，再运行它下面的检查单元格："
                  "它会记录你的答案，并且只告诉你格式对不对。答案是否正确在提交后评定。不要重命名本笔记本，也不要删除单元格。"
                  "提交前请先点 *内核 → 重启内核 和 运行所有单元格…*（英文界面：*Kernel → Restart Kernel and Run All Cells*），再在 Assignments 面板点 *Validate*。"},
    "follows": {"en": "**Follows:** {follows} · **Time:** about {minutes} minutes",
                "zh": "**对应课程：** {follows} · **用时：** 约 {minutes} 分钟"},
    "all_lessons": {"en": "all lessons, 01 to 08", "zh": "第 01 至 08 课全部内容"},
    "lesson": {"en": "Lesson {n:02d}, *{title}*", "zh": "第 {n:02d} 课《{title}》"},
    "title": {"en": "Assessment {id}: {title}", "zh": "测评 {id}：{title}"},
    "setup": {"en": "# Setup: run this cell first. `load` gives you your own version of the course data.",
              "zh": "# 准备：先运行这个单元格。`load` 读取的是属于你的那一版课程数据。"},
}


def _t(key: str, lang: str, **kw) -> str:
    return LANG_TEXT[key]["zh" if lang == "zh" else "en"].format(**kw)


def prompt_markdown(slot: Slot, variant: Variant, pick: Pick, lang: str) -> str:
    head = f"### {slot.id} ({_t('points', lang, n=slot.points)})" if slot.kind != "written" else \
        f"### {slot.id} ({_t('graded_by', lang, n=slot.points)})"
    parts = [head, variant.stem(lang)]
    if slot.kind == "choice":
        letters = LETTERS[:len(variant.options)]
        parts.append("\n".join(f"- **{letters[i]}.** {variant.options[opt](lang)}" for i, opt in enumerate(pick.order)))
        parts.append(_t("set_choice", lang, item=slot.id, letters=", ".join(f'`"{x}"`' for x in letters)))
    elif slot.kind == "numeric":
        unit = f" {variant.unit(lang)}" if variant.unit else ""
        parts.append(_t("set_number", lang, item=slot.id, tol=variant.tolerance, unit=unit))
    else:
        parts.append(_t("criteria", lang) + "\n\n" + "\n".join(f"- {c.name(lang)}" for c in variant.criteria))
        parts.append(_t("write_below", lang))
    return "\n\n".join(parts)


def setup_code(bank: Bank, form: Form, lang: str) -> str:
    lines = [_t("setup", lang), "import pandas as pd", "", "from tobops.assess import checks", "",
             f'load = checks.form_data({form.data}, "{lang}")']
    return "\n".join(lines)


def header_markdown(bank: Bank, form: Form, lang: str, follows: str) -> str:
    form_line = _t("practice" if form.practice else "form", lang, id=form.id, attempt=form.attempt)
    return "\n\n".join([f"# {_t('title', lang, id=bank.assessment, title=bank.title(lang))}",
                        _t("follows", lang, follows=follows, minutes=bank.minutes),
                        bank.intro(lang), _t("how", lang), form_line])


def follows_text(bank: Bank, lang: str) -> str:
    from tobops.content.course import lesson

    if bank.lesson == "all":
        return _t("all_lessons", lang)
    les = lesson(bank.lesson)
    return _t("lesson", lang, n=les.number, title=les.title_in(lang))


ROLE = "role"  # metadata.tobops.role of the cells a form fills in: header, setup, prompt


def render(bank: Bank, form: Form, skeleton: nbformat.NotebookNode, lang: str = "en") -> nbformat.NotebookNode:
    """The notebook ``form`` shows, in ``lang``, built on nbgrader's release notebook
    ``skeleton`` (whose graded and answer cells, with their checksums, stay as they are)."""
    from nbgrader.utils import compute_checksum

    nb = copy.deepcopy(skeleton)
    follows = follows_text(bank, lang)
    for cell in nb.cells:
        tag = cell.metadata.get("tobops", {})
        role, slot_id = tag.get(ROLE), tag.get("slot")
        if role == "header":
            cell.source = header_markdown(bank, form, lang, follows)
        elif role == "setup":
            cell.source = setup_code(bank, form, lang)
        elif role == "prompt":
            slot = bank.slot(slot_id)
            pick = form.pick(slot_id)
            cell.source = prompt_markdown(slot, slot.variant(pick.variant), pick, lang)
        elif role == "starter":
            slot = bank.slot(slot_id)
            cell.source = slot.variant(form.pick(slot_id).variant).starter
            if "checksum" in cell.metadata.get("nbgrader", {}):
                cell.metadata.nbgrader.checksum = compute_checksum(cell)
        if role in ("header", "setup", "prompt"):
            cell.metadata.editable = False
            cell.metadata.deletable = False
    nb.metadata.setdefault("tobops", {})
    nb.metadata.tobops.update({"form": form.as_dict(), "lang": lang})
    return nb


def answer_cell(slot: Slot) -> str:
    return cell_id(slot.id, "answer")
