"""Authoring helper: execute notebooks, report errors/stderr, then clean them.

    .venv/bin/python tools/nbcheck.py lessons/02-tob-vs-toc.ipynb [--keep-outputs]
"""
import sys
import time

from tobops.content.notebooks import clean_file, execute

paths = [a for a in sys.argv[1:] if not a.startswith("--")]
bad = 0
for p in paths:
    t = time.perf_counter()
    nb, found = execute(p)
    print(f"{p}: {len(found)} problem(s) in {time.perf_counter() - t:.1f}s")
    for line in found:
        print("   ", line)
    bad += bool(found)
    if "--keep-outputs" not in sys.argv:
        clean_file(p)
sys.exit(1 if bad else 0)
