"""Build assessment source notebooks from their specs in tools/assessments/.

    .venv/bin/python tools/build_assessments.py            # all
    .venv/bin/python tools/build_assessments.py 02-tob-vs-toc

Each spec module defines ``ASSESSMENT`` (its id) and ``build() -> NotebookNode``.
The notebook is written to assignments/source/<id>/<id>.ipynb. tests/test_assessments.py
checks that the committed notebooks equal a fresh build.
"""
import importlib.util
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def specs():
    for path in sorted((HERE / "assessments").glob("a*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        yield mod


def render(mod) -> str:
    return nbformat.writes(mod.build()) + "\n"


def main(argv):
    wanted = set(argv)
    for mod in specs():
        if wanted and mod.ASSESSMENT not in wanted:
            continue
        out = ROOT / "assignments" / "source" / mod.ASSESSMENT / f"{mod.ASSESSMENT}.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(mod), encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
