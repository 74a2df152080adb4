"""Format checks that trainees see in assessments (the otter-grader pattern).

A visible 0-point cell calls :func:`choice` or :func:`number`; it says in plain words
whether the answer has the right *form*, never whether it is right. Hidden tests decide
correctness. Example, in an assessment::

    from tobops.assess import checks
    checks.choice("q1", globals(), "ABCD")
"""
from __future__ import annotations

import math
import numbers


class FormatError(AssertionError):
    """The answer is missing or has the wrong form."""


def _get(name: str, namespace: dict):
    if name not in namespace:
        raise FormatError(f"{name} is not set yet: run your answer cell, which must assign {name} = ...")
    return namespace[name]


def choice(name: str, namespace: dict, options: str = "ABCD") -> None:
    value = _get(name, namespace)
    allowed = ", ".join(repr(o) for o in options)
    if not isinstance(value, str) or value.strip().upper() not in options or len(value.strip()) != 1:
        raise FormatError(f"{name} must be one letter, one of {allowed}; it is {value!r}.")
    print(f"{name} has a valid format ({value!r}). Whether it is right is checked when you are graded.")


def number(name: str, namespace: dict) -> None:
    value = _get(name, namespace)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(float(value)):
        raise FormatError(f"{name} must be a number (int or float); it is {value!r} of type {type(value).__name__}.")
    print(f"{name} has a valid format ({float(value):g}). Whether it is right is checked when you are graded.")


def text(name: str, namespace: dict) -> None:
    value = _get(name, namespace)
    if not isinstance(value, str) or not value.strip():
        raise FormatError(f"{name} must be a non-empty string; it is {value!r}.")
    print(f"{name} has a valid format ({value!r}). Whether it is right is checked when you are graded.")
