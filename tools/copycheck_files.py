"""The longest run of Chinese characters each given file shares with the source articles
(the project-wide check is ../shared/tools/copycheck.py; this one works on files not yet
committed). A run of 12 or more is a copied phrase: rewrite it in your own words.

    .venv/bin/python tools/copycheck_files.py lessons/zh/02-tob-vs-toc.ipynb ...
"""
import re
import sys
from pathlib import Path

CJK = r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def main(paths: list[str]) -> int:
    seed = "\n".join(re.findall(CJK + "+", "\n".join(p.read_text(errors="ignore") for p in SEEDS.glob("*.txt"))))
    worst_all = 0
    for path in paths:
        text = Path(path).read_text(encoding="utf-8", errors="ignore")
        hits = []
        for run in re.findall(CJK + "{6,}", text):
            best = 0
            for i in range(len(run)):
                k = best + 1
                while i + k <= len(run) and run[i:i + k] in seed:
                    best, k = k, k + 1
            if best >= 8:
                hits.append((best, run[:40]))
        hits.sort(reverse=True)
        worst = hits[0][0] if hits else 0
        worst_all = max(worst_all, worst)
        print(f"{path}: longest shared run {worst}" + "".join(f"\n  {n}: {r}" for n, r in hits[:5]))
    return 1 if worst_all >= 12 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
