"""Check one item-bank file while writing it (authors' helper):

    .venv/bin/python tools/check_bank_file.py assignments/bank/02-tob-vs-toc.toml [--variants 40]

Loads the file (format errors name the slot and variant), runs `tobops lint` on it alone,
runs every data task's starter (it must not run as is: one line is left to complete) and
solution on the course data and on many trainee variants of it (prints the spread of
keys), and reports the longest run of Chinese characters it shares with the articles.
"""
import argparse
import re
import sys
from pathlib import Path

from tobops.assess import bank as bank_mod
from tobops.assess import lint
from tobops.content.datasets import load

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def run(code: str, variant: int | None, slot: str):
    ns = {"load": lambda name: load(name, variant=variant)}
    exec("import pandas as pd\n" + code, ns)  # noqa: S102 - the author's own code
    return ns[slot]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--variants", type=int, default=40)
    args = ap.parse_args(argv)
    b = bank_mod.load(args.path)
    print(f"{b.assessment}: {len(b.slots)} slots, {b.points} points")
    print(lint.lint_paths([args.path]).text())
    for s in b.slots:
        if s.kind != "numeric":
            continue
        for v in s.variants:
            try:
                run(v.starter, 1, s.id)
                print(f"WARNING {v.id}: the starter runs as is (it should leave one line to complete)")
            except Exception as exc:  # noqa: BLE001
                print(f"{v.id}: starter stops as intended ({type(exc).__name__})")
            base = run(v.solution, None, s.id)
            keys = [run(v.solution, k, s.id) for k in range(1, args.variants + 1)]
            close = sum(abs(k - base) <= v.tolerance for k in keys)
            print(f"{v.id}: course data {base}; {len(keys)} variants {min(keys)} .. {max(keys)}; "
                  f"{close} within the tolerance ({v.tolerance}) of the course-data key")
    if SEEDS.is_dir():
        seed = "\n".join(re.findall(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]+",
                                    "\n".join(p.read_text(errors="ignore") for p in SEEDS.glob("*.txt"))))
        text = Path(args.path).read_text(encoding="utf-8")
        worst = (0, "")
        for run_ in re.findall(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]{6,}", text):
            best = 0
            for i in range(len(run_)):
                k = best + 1
                while i + k <= len(run_) and run_[i:i + k] in seed:
                    best, k = k, k + 1
            worst = max(worst, (best, run_[:30]))
        print(f"longest Chinese run shared with the articles: {worst[0]} ({worst[1]}); must stay under 12")
    return 0


if __name__ == "__main__":
    sys.exit(main())
