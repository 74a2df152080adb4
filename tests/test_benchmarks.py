"""benchmarks/suite.py, as a developer runs it: one line per module with its wall and CPU
time, a total, and an exit status that says whether every module passed."""
from __future__ import annotations

import re
import sys

from conftest import REPO, run


def test_the_suite_benchmark_times_each_module_and_says_which_failed(tmp_path):
    failing = tmp_path / "test_fails.py"
    failing.write_text("def test_fails():\n    assert False\n")
    proc = run([sys.executable, str(REPO / "benchmarks" / "suite.py"), str(REPO / "tests" / "test_environment.py"),
                str(failing)], cwd=tmp_path, timeout=300)
    assert proc.returncode == 1, "a failing module makes the benchmark exit non-zero"
    lines = proc.stdout.splitlines()
    assert re.search(r"test_environment\.py\s+wall\s+[\d.]+ s\s+cpu\s+[\d.]+ s$", lines[0]), lines
    assert "test_fails.py" in lines[1] and "(pytest exited 1)" in lines[1], lines
    assert any(line.startswith("total: wall") and "make test` needs at least" in line for line in lines), lines
