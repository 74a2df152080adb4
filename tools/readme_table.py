"""Rewrite the lesson table in README.md from the lesson TOMLs and assessment notebooks.

    .venv/bin/python tools/readme_table.py
"""
import json
from pathlib import Path

from tobops.content.course import CERTIFICATION, PASS_MARK, lessons

ROOT = Path(__file__).resolve().parent.parent


def minutes(a: str) -> str:
    p = ROOT / "assignments" / "source" / a / f"{a}.ipynb"
    return f"{json.loads(p.read_text())['metadata']['tobops']['minutes']} min" if p.exists() else "(missing)"


rows = ["| # | Lesson | Time | Then take | Time |", "|---|---|---|---|---|"]
for les in lessons():
    a = les.assessment
    rows.append(f"| {les.number:02d} | [{les.title}]({les.notebook}) | {les.minutes} min | "
                f"{('`' + a + '`') if a else '–'} | {minutes(a) if a else ''} |")
rows.append(f"| – | [Glossary](lessons/glossary.ipynb): every Chinese term, in English | reference | "
            f"`{CERTIFICATION}`: the final exam, pass mark {PASS_MARK:g}% | {minutes(CERTIFICATION)} |")
readme = (ROOT / "README.md").read_text()
start = readme.index("| # | Lesson |")
end = readme.index("\n\n", start)
(ROOT / "README.md").write_text(readme[:start] + "\n".join(rows) + readme[end:])
print("\n".join(rows))
