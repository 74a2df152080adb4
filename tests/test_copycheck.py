"""Own words: no Chinese run of 12 or more characters in the course is copied from the four
source articles. Uses the project's agreed measure, ``../shared/tools/copycheck.py``, which
scans every tracked text file (lessons, item banks, lesson data, glossary, report strings).

The articles are not part of this repository. They are looked for in ``$TOBOPS_SEEDS``, then
in ``../shared/seeds`` beside this checkout, then beside the repository it was cloned from
(``git clone . /tmp/check`` keeps ``origin`` pointing at the working copy)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

LIMIT = 12


def _shared() -> Path | None:
    candidates = []
    if os.environ.get("TOBOPS_SEEDS"):
        candidates.append(Path(os.environ["TOBOPS_SEEDS"]).parent)
    candidates.append(REPO.parent / "shared")
    origin = subprocess.run(["git", "config", "--get", "remote.origin.url"], cwd=REPO,
                            capture_output=True, text=True).stdout.strip()
    if origin and Path(origin).is_dir():
        candidates.append(Path(origin).resolve().parent / "shared")
    for c in candidates:
        if (c / "seeds").is_dir() and any((c / "seeds").glob("*.txt")):
            return c
    return None


def test_no_sentence_is_copied_from_the_articles():
    shared = _shared()
    if shared is None:
        pytest.skip("the source articles (../shared/seeds) are not on this machine; set TOBOPS_SEEDS")
    seeds = Path(os.environ["TOBOPS_SEEDS"]) if os.environ.get("TOBOPS_SEEDS") else shared / "seeds"
    tool = shared / "tools" / "copycheck.py"
    assert tool.exists(), f"{tool} is missing"
    run = subprocess.run([sys.executable, str(tool), str(seeds), str(REPO)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    longest = int(re.search(r"longest copied CJK run: (\d+) chars", run.stdout).group(1))
    assert longest < LIMIT, f"a {longest}-character run is copied from the articles:\n{run.stdout}"
    # the measure sees the Chinese edition (it only scans tracked files)
    tracked = subprocess.run(["git", "ls-files", "lessons/zh"], cwd=REPO, capture_output=True, text=True).stdout
    assert tracked.strip(), "the Chinese lessons are not tracked, so the measure would not see them"
