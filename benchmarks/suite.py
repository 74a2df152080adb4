"""Benchmark: what each test module costs, run alone, one after another.

    .venv/bin/python benchmarks/suite.py [tests/test_hub.py ...]

For every module (default: all of ``tests/``) it runs pytest on that module alone and
prints the wall time and the CPU time the whole machine spent meanwhile (user, system,
interrupts and steal, from ``/proc/stat``). The machine's CPU, not pytest's own, because
much of the suite's work happens in processes that `time` does not count: grader servers,
hub servers, browsers. Nothing else should run meanwhile.

``make test`` runs the modules two at a time (``-n 2``), so on 2 cores its wall time is
at least the CPU total printed last, divided by two. That total, not the wall time of any
one test, is what a faster suite has to bring down.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def busy_seconds() -> float:
    """CPU seconds the machine has spent on anything but idling (all cores)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / 100  # USER_HZ is 100 on Linux


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("modules", nargs="*", help="test modules (default: every tests/test_*.py)")
    args = ap.parse_args(argv)
    modules = [Path(m) for m in args.modules] or sorted((ROOT / "tests").glob("test_*.py"))
    rows, failed = [], []
    for module in modules:
        cpu0, t0 = busy_seconds(), time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(module)],
                              cwd=ROOT, capture_output=True, text=True)
        wall, cpu = time.perf_counter() - t0, busy_seconds() - cpu0
        rows.append((module.name, wall, cpu))
        if proc.returncode != 0:
            failed.append(module.name)
        print(f"  {module.name:<32} wall {wall:7.1f} s   cpu {cpu:7.1f} s"
              + ("" if proc.returncode == 0 else f"   (pytest exited {proc.returncode})"), flush=True)
    total_wall, total_cpu = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"total: wall {total_wall:.0f} s, cpu {total_cpu:.0f} s; on 2 cores `make test` needs at least "
          f"{total_cpu / 2 / 60:.1f} min")
    for name, _, cpu in sorted(rows, key=lambda r: -r[2])[:10]:
        print(f"share {name}: {100 * cpu / total_cpu:.0f} % of the cpu")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
