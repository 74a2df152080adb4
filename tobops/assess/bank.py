"""The item bank: every assessment's item slots, each with its alternative variants, in
English and Simplified Chinese, with keys, rubrics and the blueprint they implement.

The bank is instructor-only data, kept in the course folder beside nbgrader's ``source/``
(``assignments/bank/<assessment>.toml``), never in this package and never released: a
trainee's server, and a trainee's kernel while it is graded, cannot read it. From it,
:mod:`tobops.assess.forms` draws each trainee's own form and the grader computes the keys.
``docs/item-bank.md`` describes the format for authors; :func:`load` checks it and names the
file, slot and variant of every problem.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tobops import TobopsError

LANGS = ("en", "zh")
KINDS = ("choice", "numeric", "written")
LEVELS = ("remember", "apply", "analyse")
#: points of each level of a written criterion
CRITERION_LEVELS = (0, 1, 2)


class BankError(TobopsError):
    pass


@dataclass(frozen=True)
class Text:
    """A text in both languages."""

    en: str
    zh: str

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Level:
    points: int
    desc: Text      # what an answer at this level does (graders and trainees)
    anchor: Text    # an example answer at this level (graders only)


@dataclass(frozen=True)
class Criterion:
    name: Text      # shown to trainees
    levels: tuple[Level, ...]

    @property
    def points(self) -> int:
        return max(lv.points for lv in self.levels)


@dataclass(frozen=True)
class Variant:
    id: str
    stem: Text
    # choice
    options: tuple[Text, ...] = ()
    key: int | None = None          # index into options
    why: Text | None = None         # explanation shown in feedback once graded
    # numeric (a data task)
    starter: str = ""               # the code the trainee starts from (one line to complete)
    solution: str = ""              # the instructor's code: the key, computed on the trainee's data
    tolerance: float = 0.0
    unit: Text | None = None
    # written
    criteria: tuple[Criterion, ...] = ()
    model: Text | None = None       # a full-marks answer (graders only)


@dataclass(frozen=True)
class Slot:
    id: str                         # "q1": the item id, the answer variable and the graded cell's id
    kind: str
    points: int
    objective: str                  # "L02.O3"
    section: str                    # "2.7": where the lesson teaches it
    level: str                      # remember | apply | analyse
    variants: tuple[Variant, ...]
    follows: str = ""               # a decision that follows a data task: the slot it follows
    context: str = "tob"            # the business in the scenario: tob | toc
    angoff: float | None = None     # share of minimally competent reps expected to get it right

    def variant(self, variant_id: str) -> Variant:
        for v in self.variants:
            if v.id == variant_id:
                return v
        raise BankError(f"{self.id} has no variant {variant_id!r}")


@dataclass(frozen=True)
class BlueprintRow:
    objective: str
    level: str
    points: int


@dataclass(frozen=True)
class Bank:
    assessment: str
    lesson: str                     # "L02", or "all" for the certification
    minutes: int
    title: Text
    intro: Text
    datasets: tuple[str, ...]
    slots: tuple[Slot, ...]
    blueprint: tuple[BlueprintRow, ...] = field(default=(), repr=False)
    path: Path | None = field(default=None, repr=False, compare=False)

    @property
    def points(self) -> int:
        return sum(s.points for s in self.slots)

    def slot(self, slot_id: str) -> Slot:
        for s in self.slots:
            if s.id == slot_id:
                return s
        raise BankError(f"{self.assessment} has no slot {slot_id!r}")


# --------------------------------------------------------------------------- reading

def bank_dir(course_root: str | Path) -> Path:
    """Where a course keeps its bank: ``<course dir>/bank/`` beside nbgrader's ``source/``."""
    return Path(course_root) / "bank"


def load(path: str | Path) -> Bank:
    """Read and check one bank file."""
    path = Path(path)
    st = path.stat()
    return _load(str(path.resolve()), st.st_mtime_ns, st.st_size)


def load_all(course_root: str | Path) -> dict[str, Bank]:
    return {b.assessment: b for b in (load(p) for p in sorted(bank_dir(course_root).glob("*.toml")))}


@lru_cache(maxsize=64)
def _load(path: str, _mtime: int, _size: int) -> Bank:
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BankError(f"{path}: cannot be read as a TOML file ({exc})") from None
    where = Path(path).name
    problems: list[str] = []
    bank = _bank(raw, where, problems)
    if problems:
        raise BankError(f"{where}: {len(problems)} problem(s) in the item bank:\n  - " + "\n  - ".join(problems))
    return Bank(**{**bank.__dict__, "path": Path(path)})


def _text(raw, where: str, problems: list[str], required: bool = True) -> Text | None:
    if raw is None:
        if required:
            problems.append(f"{where}: missing (give en and zh)")
        return None
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected {{ en = ..., zh = ... }}, got {type(raw).__name__}")
        return None
    missing = [lang for lang in LANGS if not str(raw.get(lang, "")).strip()]
    if missing:
        problems.append(f"{where}: no {' or '.join(missing)} text")
    return Text(str(raw.get("en", "")).strip(), str(raw.get("zh", "")).strip())


def _bank(raw: dict, where: str, problems: list[str]) -> Bank:
    slots = []
    for i, s in enumerate(raw.get("slot", [])):
        slots.append(_slot(s, f"{where} slot {s.get('id', i + 1)}", problems))
    ids = [s.id for s in slots]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"{where}: slot id {dup} used twice")
    for s in slots:
        if s.follows and s.follows not in ids:
            problems.append(f"{where} slot {s.id}: follows {s.follows!r}, which is not a slot")
    blueprint = tuple(BlueprintRow(str(r.get("objective", "")), str(r.get("level", "")), int(r.get("points", 0)))
                      for r in raw.get("blueprint", []))
    for key in ("assessment", "lesson", "minutes"):
        if key not in raw:
            problems.append(f"{where}: no {key}")
    return Bank(
        assessment=str(raw.get("assessment", "")), lesson=str(raw.get("lesson", "")), minutes=int(raw.get("minutes", 0)),
        title=_text(raw.get("title"), f"{where} title", problems) or Text("", ""),
        intro=_text(raw.get("intro"), f"{where} intro", problems) or Text("", ""),
        datasets=tuple(raw.get("datasets", ())), slots=tuple(slots), blueprint=blueprint)


def _slot(raw: dict, where: str, problems: list[str]) -> Slot:
    kind = raw.get("kind")
    if kind not in KINDS:
        problems.append(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    level = raw.get("level")
    if level not in LEVELS:
        problems.append(f"{where}: level {level!r} is not one of {', '.join(LEVELS)}")
    for key in ("id", "objective", "section", "points"):
        if key not in raw:
            problems.append(f"{where}: no {key}")
    variants = tuple(_variant(v, kind, f"{where} variant {v.get('id', j + 1)}", problems)
                     for j, v in enumerate(raw.get("variant", [])))
    if not variants:
        problems.append(f"{where}: no variants")
    vids = [v.id for v in variants]
    if len(set(vids)) != len(vids):
        problems.append(f"{where}: variant ids repeat ({', '.join(vids)})")
    points = int(raw.get("points", 0))
    if kind == "written":
        for v in variants:
            got = sum(c.points for c in v.criteria)
            if got != points:
                problems.append(f"{where} variant {v.id}: its criteria add up to {got} points, the slot has {points}")
    angoff = raw.get("angoff")
    if angoff is not None and not 0 < float(angoff) < 1:
        problems.append(f"{where}: angoff {angoff} is not a share between 0 and 1")
    context = raw.get("context", "tob")
    if context not in ("tob", "toc"):
        problems.append(f"{where}: context {context!r} is not tob or toc")
    return Slot(id=str(raw.get("id", "")), kind=str(kind), points=points, objective=str(raw.get("objective", "")),
                section=str(raw.get("section", "")), level=str(level), variants=variants,
                follows=str(raw.get("follows", "")), context=context,
                angoff=None if angoff is None else float(angoff))


def _variant(raw: dict, kind: str, where: str, problems: list[str]) -> Variant:
    stem = _text(raw.get("stem"), f"{where} stem", problems) or Text("", "")
    vid = str(raw.get("id", ""))
    if not vid:
        problems.append(f"{where}: no id")
    if kind == "choice":
        options = tuple(t for j, o in enumerate(raw.get("options", []))
                        if (t := _text(o, f"{where} option {j + 1}", problems)) is not None)
        key = raw.get("key")
        if not 3 <= len(options) <= 5:
            problems.append(f"{where}: {len(options)} options (3 to 5)")
        if not isinstance(key, int) or not 0 <= key < len(options):
            problems.append(f"{where}: key {key!r} is not the index (0-based) of one of its {len(options)} options")
        return Variant(vid, stem, options=options, key=key if isinstance(key, int) else None,
                       why=_text(raw.get("why"), f"{where} why", problems))
    if kind == "numeric":
        for key in ("starter", "solution", "tolerance"):
            if key not in raw:
                problems.append(f"{where}: no {key}")
        return Variant(vid, stem, starter=str(raw.get("starter", "")).strip("\n"),
                       solution=str(raw.get("solution", "")).strip("\n"), tolerance=float(raw.get("tolerance", 0)),
                       unit=_text(raw.get("unit"), f"{where} unit", problems, required=False),
                       why=_text(raw.get("why"), f"{where} why", problems, required=False))
    criteria = []
    for j, c in enumerate(raw.get("criteria", [])):
        cw = f"{where} criterion {j + 1}"
        levels = []
        for lv in c.get("levels", []):
            levels.append(Level(int(lv.get("points", -1)), _text(lv.get("desc"), f"{cw} level {lv.get('points')} desc",
                                                                  problems) or Text("", ""),
                                _text(lv.get("anchor"), f"{cw} level {lv.get('points')} anchor", problems)
                                or Text("", "")))
        if tuple(lv.points for lv in levels) != CRITERION_LEVELS:
            problems.append(f"{cw}: levels must be {CRITERION_LEVELS} points, in that order")
        criteria.append(Criterion(_text(c.get("name"), f"{cw} name", problems) or Text("", ""), tuple(levels)))
    if not criteria and kind == "written":
        problems.append(f"{where}: a written item needs criteria")
    return Variant(vid, stem, criteria=tuple(criteria), model=_text(raw.get("model"), f"{where} model", problems))
