"""Rewrite the lesson table in README.md from the lesson TOMLs and the item banks.

    .venv/bin/python tools/readme_table.py
"""
from pathlib import Path

from tobops.assess import bank, lint
from tobops.content.course import CERTIFICATION, lessons

ROOT = Path(__file__).resolve().parent.parent
BANK = ROOT / "assignments" / "bank"


def minutes(a: str) -> str:
    p = BANK / f"{a}.toml"
    if not p.exists():
        return "(missing)"
    b = bank.load(p)
    return f"{lint.minutes(b, 'en')} / {lint.minutes(b, 'zh')} min"


cert = bank.load(BANK / f"{CERTIFICATION}.toml")
rows = ["| # | Lesson | 中文版 | Time (en) | Time (zh) | Then take | Time (en / zh) |",
        "|---|---|---|---|---|---|---|"]
for les in lessons():
    a = les.assessment
    rows.append(f"| {les.number:02d} | [{les.title}]({les.notebook}) | [{les.title_zh}]({les.notebook_in('zh')}) | "
                f"{les.minutes} min | {les.minutes_zh} min | {('`' + a + '`') if a else '–'} | "
                f"{minutes(a) if a else ''} |")
rows.append(f"| – | [Glossary](lessons/glossary.ipynb): every Chinese term, in English | [术语表](lessons/zh/glossary.ipynb) "
            f"| reference | 参考 | `{CERTIFICATION}`: the final exam, pass mark {100 * lint.cut_score(cert):.1f}% "
            f"(Angoff) | {minutes(CERTIFICATION)} |")
readme = (ROOT / "README.md").read_text()
start = readme.index("| # | Lesson |")
end = readme.index("\n\n", start)
(ROOT / "README.md").write_text(readme[:start] + "\n".join(rows) + readme[end:])
print("\n".join(rows))
