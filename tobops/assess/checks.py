"""What runs in the trainee's kernel during an assessment: format checks and answer records.

Nothing here knows a key. An item's graded cell calls :func:`record`::

    checks.record("q1", globals(), "ABCD")     # a multiple-choice answer
    checks.record("q5", globals(), "number")   # a data task's result

which checks only the answer's *form* (one of the letters; a number) and says so in plain
words, then *reports* the answer as plain data (a JSON value in an output of type
:data:`REPORT_MIME`). The grader reads that report after the kernel is gone and scores it
against keys the kernel never saw (:mod:`tobops.grade.scoring`): trainee code that forges
or rewrites a report can only change *what* it answered. :func:`form_data`, called by the
form's setup cell, gives the trainee's own version of the course data and sets the
language of the messages.
"""
from __future__ import annotations

import functools
import json
import math
import numbers
import sys

REPORT_MIME = "application/vnd.tobops.answer+json"
_LANG = {"lang": "en"}

MESSAGES = {
    "unset": {"en": "{name} is not set yet: run your answer cell, which must assign {name} = ...",
              "zh": "{name} 还没有赋值：请先运行你的作答单元格（其中要写 {name} = ...）"},
    "choice": {"en": "{name} must be one letter, one of {allowed}; it is {value!r}.",
               "zh": "{name} 必须是一个字母，{allowed} 之一；现在是 {value!r}。"},
    "number": {"en": "{name} must be a number (int or float); it is {value!r} of type {type}.",
               "zh": "{name} 必须是数字（int 或 float）；现在是 {value!r}，类型为 {type}。"},
    "recorded": {"en": "{name} = {shown} recorded. Whether it is right is decided after you submit.",
                 "zh": "已记录 {name} = {shown}。答案是否正确在提交后评定。"},
}


class FormatError(AssertionError):
    """The answer is missing or has the wrong form."""


def _msg(key: str, **kw) -> str:
    return MESSAGES[key][_LANG["lang"]].format(**kw)


def _get(name: str, namespace: dict):
    if name not in namespace:
        raise FormatError(_msg("unset", name=name))
    return namespace[name]


def _check_choice(name: str, value, options: str) -> None:
    allowed = ", ".join(repr(o) for o in options)
    if not isinstance(value, str) or value.strip().upper() not in options or len(value.strip()) != 1:
        raise FormatError(_msg("choice", name=name, allowed=allowed, value=value))


def _check_number(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(float(value)):
        raise FormatError(_msg("number", name=name, value=value, type=type(value).__name__))


def _plain(value) -> bool:
    """Plain data: a str, int or float, or a numpy number (what pandas computes)."""
    if type(value) in (str, int, float):
        return True
    np = sys.modules.get("numpy")
    return np is not None and type(value) in (np.float64, np.float32, np.int64, np.int32)


def _jsonable(value):
    """The answer as plain JSON data, without trusting the object's own methods."""
    if type(value) in (str, int, float):
        return value
    if _plain(value):
        return value.item()
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        try:
            return float(value)
        except Exception:  # noqa: BLE001 - an object that will not become a number
            return None
    try:
        return object.__repr__(value)[:200]
    except Exception:  # noqa: BLE001
        return None


def record(name: str, namespace: dict, expect: str = "ABCD") -> None:
    """Check the form of answer ``name`` and report it for grading.

    ``expect``: the letters of a multiple-choice item, or ``"number"``."""
    from IPython.display import display

    value = _get(name, namespace)
    if expect == "number":
        _check_number(name, value)
    else:
        _check_choice(name, value, expect)
    report = {"item": name, "value": _jsonable(value), "plain": _plain(value),
              "type": type(value).__name__}
    shown = json.dumps(report["value"], ensure_ascii=False)
    display({REPORT_MIME: report, "text/plain": _msg("recorded", name=name, shown=shown)}, raw=True)


def form_data(variant: int, lang: str = "en"):
    """``load`` for this form: the course datasets as this trainee's version of them.
    Also sets the language of the messages above."""
    from tobops.content.datasets import load

    _LANG["lang"] = "zh" if lang == "zh" else "en"
    return functools.partial(load, variant=variant or None)


# --------------------------------------------------------------------------- lessons
# The lessons' exercises use the same format checks, without recording anything.

def choice(name: str, namespace: dict, options: str = "ABCD") -> None:
    value = _get(name, namespace)
    _check_choice(name, value, options)
    print(f"{name} has a valid format ({value!r}).")


def number(name: str, namespace: dict) -> None:
    value = _get(name, namespace)
    _check_number(name, value)
    print(f"{name} has a valid format ({float(value):g}).")
