"""Self-check questions for lesson notebooks, with instant feedback.

The questions live in the lesson's TOML file (``tobops/data/lessons/L02.toml``), not in
the notebook, so a trainee reading the notebook does not see the answers.  In a notebook::

    from tobops.content.quiz import quiz
    quiz("L02", "roles")        # one question
    quiz("L02")                 # every question of the lesson

Each question renders as radio buttons and a "Check" button; the feedback says whether
the choice is right, why, and which lesson section to reread.  Without a widget front end
(e.g. when the notebook is run by a test) the question prints as plain text.

A question in TOML::

    [[quiz]]
    id = "roles"
    section = "2.2"
    prompt = "Which of these is NOT one of the five purchase roles?"
    options = ["User (使用方)", "Evaluator (评估方)", "Recommender (推荐方)", "Signer (签字方)"]
    answer = 3                      # 1-based position of the right option
    why = "The five roles are user, evaluator, budget holder, final decider and signer."

Numeric self-checks (``check_number``) use ``expected`` and ``tolerance`` instead of
``options``/``answer``.

The Chinese edition reads ``prompt_zh``, ``options_zh``, ``why_zh``, ``why_wrong_zh`` and
``hint_zh`` beside each English field (:func:`tobops.content.lang.setup` picks the edition);
the answer is the same position in both.
"""
from __future__ import annotations

import html

import ipywidgets as widgets
from IPython.display import display

from tobops.content.course import lesson as _lesson
from tobops.content.lang import current, pick, t


def _find(lesson_id: str, qid: str) -> dict:
    for q in _lesson(lesson_id).quiz:
        if q["id"] == qid:
            return q
    raise KeyError(f"{lesson_id} has no self-check question {qid!r}")


def _section_hint(lesson_id: str, q: dict) -> str:
    sec = q.get("section")
    if not sec:
        return ""
    title = _lesson(lesson_id).section_title(sec, current())
    if current() == "zh":
        return f"请复习第 {sec} 节" + (f"（{title}）" if title else "") + "。"
    return f" Revisit section {sec}" + (f" ({title})" if title else "") + "."


def options(q: dict) -> list[str]:
    return q["options_zh"] if current() == "zh" and q.get("options_zh") else q["options"]


def feedback(lesson_id: str, qid: str, choice: int | None) -> tuple[bool, str]:
    """Return (correct, message) for a 1-based option number."""
    q = _find(lesson_id, qid)
    if choice is None:
        return False, t("Pick an option first.", "请先选一个选项。")
    if choice == int(q["answer"]):
        return True, t("Correct. ", "答对了。") + pick(q, "why")
    return False, t("Not quite. ", "还不对。") + pick(q, "why_wrong", t("Think again about this.", "再想一想。")) \
        + _section_hint(lesson_id, q)


def _question_widget(lesson_id: str, q: dict) -> widgets.Widget:
    labels = [f"{chr(65 + i)}) {opt}" for i, opt in enumerate(options(q))]
    radio = widgets.RadioButtons(options=labels, value=None, layout={"width": "max-content"})
    button = widgets.Button(description=t("Check", "检查"), button_style="primary")
    out = widgets.HTML()

    def on_click(_):
        choice = None if radio.value is None else labels.index(radio.value) + 1
        ok, msg = feedback(lesson_id, q["id"], choice)
        colour = "#1a7f37" if ok else "#b35900"
        out.value = f'<div style="color:{colour}">{"✔" if ok else "✘"} {html.escape(msg)}</div>'

    button.on_click(on_click)
    prompt = widgets.HTML(f"<b>{t('Self-check', '自测')} ({html.escape(q['id'])}):</b> "
                          f"{html.escape(pick(q, 'prompt'))}")
    return widgets.VBox([prompt, radio, button, out])


def quiz(lesson_id: str, qid: str | None = None) -> None:
    """Show one self-check question (or all of the lesson's) with instant feedback."""
    questions = [_find(lesson_id, qid)] if qid else [q for q in _lesson(lesson_id).quiz if "options" in q]
    for q in questions:
        display(_question_widget(lesson_id, q))


def check_number(lesson_id: str, qid: str, value) -> bool:
    """Check a number the trainee computed; prints feedback and returns True if close enough."""
    q = _find(lesson_id, qid)
    try:
        got = float(value)
    except (TypeError, ValueError):
        print(f"✘ {qid}: " + t(f"expected a number, got {value!r}.", f"这里要的是一个数字，现在是 {value!r}。"))
        return False
    ok = abs(got - float(q["expected"])) <= float(q.get("tolerance", 0))
    if ok:
        print(f"✔ {qid}: {got:g} " + t("is right. ", "答对了。") + pick(q, "why"))
    else:
        print(f"✘ {qid}: {got:g} " + t("is not right yet.", "还不对。") + _section_hint(lesson_id, q) + " "
              + pick(q, "hint"))
    return ok
