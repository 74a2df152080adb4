"""How long a lesson takes, measured from its notebook, for each edition.

Reading: English prose at 150 words a minute (a fluent reader of business English as a
second language, the course's audience), Chinese at 400 characters a minute; code is not
read but run. Working: 1 minute per code cell (run it, read its output), 3 per widget, 1
per self-check question, 10 per exercise (a ``<details>`` whose summary is "Show a worked
solution", 查看参考解答 in Chinese); widgets are the builders each interactives module lists
in ``WIDGETS``. Rounded up to
5 minutes. Each lesson's TOML file states the result (``minutes``, ``minutes_zh``), the
notebook's title cell shows it, the README lists it, and a test checks all of them agree.
"""
from __future__ import annotations

import math
import re

from tobops.content.interactives import l01, l02, l03, l04, l05, l06, l07, l08

#: every widget builder the lessons display, and the glossary's search box
WIDGET_NAMES = tuple(sorted({n for m in (l01, l02, l03, l04, l05, l06, l07, l08) for n in m.WIDGETS} | {"search_box"}))

EN_WORDS_PER_MIN = 150
ZH_CHARS_PER_MIN = 400
PER_CODE_CELL, PER_WIDGET, PER_SELF_CHECK, PER_EXERCISE = 1.0, 3.0, 1.0, 10.0


def reading_minutes(text: str, lang: str) -> float:
    if lang == "zh":
        cjk = len(re.findall(r"[\u3400-\u9fff]", text))
        latin = len(re.findall(r"[A-Za-z][A-Za-z'-]*", text))  # terms and names in Latin letters
        return cjk / ZH_CHARS_PER_MIN + latin / EN_WORDS_PER_MIN
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'-]*", text)) / EN_WORDS_PER_MIN


def estimate(nb, lang: str) -> dict:
    """Minutes to work through a lesson notebook, with the parts of the estimate."""
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    prose = re.sub(r"```.*?```", " ", prose, flags=re.S)  # code shown in markdown is not prose
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    widgets = sum(len(re.findall(rf"\b({'|'.join(WIDGET_NAMES)})\(", c)) for c in code)
    checks = sum(len(re.findall(r"\b(quiz|check_number)\(", c)) for c in code)
    exercises = len(re.findall(r"<summary>\s*(Show a worked solution|查看参考解答)", prose))
    parts = {"reading": reading_minutes(prose, lang), "code": PER_CODE_CELL * len(code),
             "widgets": PER_WIDGET * widgets, "self_checks": PER_SELF_CHECK * checks,
             "exercises": PER_EXERCISE * exercises}
    parts["minutes"] = int(5 * math.ceil(sum(parts.values()) / 5))
    return parts
