"""The course's own description: lessons, objectives, sections and where things live.

Each lesson has one TOML file in ``tobops/data/lessons/`` (``L02.toml`` ...).  It is the
single machine-readable source for the lesson's title, time estimate, source articles,
learning objectives (ids such as ``L02.O1``), section titles and self-check questions.
Notebooks show the same objectives in prose; tests check the two agree.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
LESSON_DATA = PACKAGE_DIR / "data" / "lessons"
CERTIFICATION = "09-certification"   # the final exam
PASS_MARK = 80.0  # fallback pass mark (%), used only when the certification's items have no Angoff ratings


def repo_root() -> Path:
    """The checkout this package was installed from (editable install)."""
    return PACKAGE_DIR.parent.parent


@dataclass(frozen=True)
class Lesson:
    id: str                      # "L02"
    number: int                  # 2
    title: str
    notebook: str                # "lessons/02-tob-vs-toc.ipynb"
    minutes: int
    seeds: tuple[str, ...]
    assessment: str | None       # "02-tob-vs-toc"
    objectives: dict[str, str]   # {"L02.O1": "List the five purchase roles ..."}
    sections: dict[str, str]     # {"2.2": "Why ToB buying is different"}
    quiz: tuple[dict, ...] = field(default=(), repr=False)
    # the Chinese edition (title_zh, [objectives_zh], [sections_zh] in the TOML file)
    title_zh: str = ""
    objectives_zh: dict[str, str] = field(default_factory=dict, repr=False)
    sections_zh: dict[str, str] = field(default_factory=dict, repr=False)
    minutes_zh: int = 0

    def title_in(self, lang: str = "en") -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title

    def section_title(self, section: str, lang: str = "en") -> str:
        if lang == "zh" and section in self.sections_zh:
            return self.sections_zh[section]
        return self.sections.get(section, "")

    def objective_in(self, oid: str, lang: str = "en") -> str:
        if lang == "zh" and oid in self.objectives_zh:
            return self.objectives_zh[oid]
        return self.objectives.get(oid, "")

    def notebook_in(self, lang: str = "en") -> str:
        """The lesson notebook of an edition: lessons/NN-slug.ipynb, lessons/zh/NN-slug.ipynb."""
        if lang == "zh":
            path = Path(self.notebook)
            return str(path.parent / "zh" / path.name)
        return self.notebook


def _read(path: Path) -> Lesson:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    lid = raw["id"]
    objectives = {f"{lid}.{k}": v for k, v in raw.get("objectives", {}).items()}
    return Lesson(
        id=lid,
        number=int(lid[1:]),
        title=raw["title"],
        notebook=raw["notebook"],
        minutes=int(raw["minutes"]),
        seeds=tuple(raw.get("seeds", ())),
        assessment=raw.get("assessment"),
        objectives=objectives,
        sections={str(k): v for k, v in raw.get("sections", {}).items()},
        quiz=tuple(raw.get("quiz", ())),
        title_zh=raw.get("title_zh", ""),
        objectives_zh={f"{lid}.{k}": v for k, v in raw.get("objectives_zh", {}).items()},
        sections_zh={str(k): v for k, v in raw.get("sections_zh", {}).items()},
        minutes_zh=int(raw.get("minutes_zh", 0)),
    )


@lru_cache(maxsize=None)
def lessons() -> tuple[Lesson, ...]:
    """All lessons, in course order."""
    return tuple(sorted((_read(p) for p in LESSON_DATA.glob("L*.toml")), key=lambda l: l.number))


def lesson(lesson_id: str) -> Lesson:
    for les in lessons():
        if les.id == lesson_id:
            return les
    known = ", ".join(l.id for l in lessons())
    raise KeyError(f"unknown lesson {lesson_id!r} (known: {known})")


def objectives(lang: str = "en") -> dict[str, str]:
    """Every learning objective of the course, by id."""
    out: dict[str, str] = {}
    for les in lessons():
        out.update({oid: les.objective_in(oid, lang) for oid in les.objectives})
    return out
