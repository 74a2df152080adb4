"""The house rules of docs/architecture.md, checked on the code itself: imports only point
down the pipeline and never form a cycle; a limit's default, the sandbox command and the
test-cell rule each live in one place; the README's tree names every part of the package."""
from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "tobops"
#: stages in pipeline order: a module may import its own stage and those to its right
ORDER = ["cli", "room", "insight", "grade", "assess", "content", "settings", "tobops"]


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        if "hub_files" in path.parts:
            continue
        rel = path.relative_to(REPO).with_suffix("")
        name = ".".join(rel.parts)
        out[name.removesuffix(".__init__")] = path
    return out


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] != "__main__" else "tobops" if len(parts) == 1 else "cli"


def imports(path: Path, known: set[str]) -> set[str]:
    """tobops modules imported anywhere in the file (inside functions too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for n in names:
            while n and n not in known:
                n = n.rpartition(".")[0]
            if n:
                found.add(n)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {m: imports(p, set(mods)) - {m} for m, p in mods.items()}


def test_the_package_has_the_pipeline_stages_each_with_a_docstring():
    for sub in ("content", "assess", "grade", "insight", "room"):
        init = PACKAGE / sub / "__init__.py"
        assert init.exists(), f"tobops/{sub}/ is missing"
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc and len(doc.split()) >= 25, f"tobops/{sub}/__init__.py needs a paragraph saying what it holds"


def test_imports_only_point_down_the_pipeline():
    upward = []
    for mod, deps in graph().items():
        for dep in deps:
            a, b = stage(mod), stage(dep)
            if dep == "tobops" or b in ("settings", "tobops"):
                continue
            if ORDER.index(b) < ORDER.index(a):
                upward.append(f"{mod} imports {dep} ({a} -> {b})")
    assert upward == []


def test_the_import_graph_has_no_cycles():
    g = graph()
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(m, path):
        state[m] = 1
        for d in sorted(g.get(m, ())):
            if state.get(d) == 1:
                cycle.extend(path[path.index(d):] + [d] if d in path else [m, d])
                return True
            if state.get(d) is None and visit(d, path + [d]):
                return True
        state[m] = 2
        return False

    for m in sorted(g):
        if state.get(m) is None and visit(m, [m]):
            break
    assert cycle == [], " -> ".join(cycle)


def _code(path: Path) -> str:
    """Source without docstrings and comments (what runs)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and \
                isinstance(getattr(body[0], "value", None), ast.Constant) and isinstance(body[0].value.value, str):
            body.pop(0)
    return ast.unparse(tree)


@pytest.mark.parametrize("pattern, home", [
    (r"--unshare-user|--cap-drop", "tobops/grade/sandbox.py"),                 # the bubblewrap command
    (r"-m', 'tobops\.grade\.sandbox'", "tobops/grade/sandbox.py"),             # the kernel launcher command
    (r"RLIMIT_AS", "tobops/grade/sandbox.py"),                                 # limits applied
    (r"TOBOPS_(CELL_TIMEOUT|MEMORY_MB|CPU_SECONDS|FILE_MB|NOTEBOOK_TIMEOUT|MAX_OUTPUT_KB|EXCHANGE)'",
     "tobops/settings.py"),                                                    # settings read from the environment
    (r"get\('grade'\).{0,3} and \(?not \w+\.get\('solution'\)", "tobops/assess/items.py"),  # a test cell
    (r"\}_(answer|format|prompt)'", None),                                    # cell ids: only via items.cell_id
    (r"'tobops-academy'", "tobops/settings.py"),                               # the course id
    (r"/ '(source|release|submitted|autograded)'|root / 'feedback'", None),  # folders: nbgrader's CourseDirectory
    (r"database is locked", None),                                            # SQLite's busy timeout does it
])
def test_each_rule_lives_in_one_place(pattern, home):
    places = sorted(str(p.relative_to(REPO)) for p in PACKAGE.rglob("*.py")
                    if "hub_files" not in p.parts and re.search(pattern, _code(p)))
    assert places == ([home] if home else []), f"{pattern!r} is written in {places}"


def test_library_code_does_not_exit_the_process():
    """Only entry points (``if __name__ == "__main__"``, ``__main__.py``, the hub's launcher
    process) may end the process; library code raises an error the CLI turns into a message."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "__main__.py" or "hub_files" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        main_blocks = {id(n) for node in tree.body if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test)
                       for n in ast.walk(node)}
        for node in ast.walk(tree):
            if id(node) in main_blocks:
                continue
            text = ast.unparse(node) if isinstance(node, (ast.Raise, ast.Call)) else ""
            if re.match(r"raise SystemExit|sys\.exit\(", text):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {text[:60]}")
    assert len(found) == 1 and found[0].startswith("tobops/room/hub.py:"), found  # launch(): no bubblewrap


def test_limit_defaults_are_written_once():
    from tobops.settings import Limits

    defaults = {f.name: f.default for f in Limits.__dataclass_fields__.values()}
    for path in PACKAGE.rglob("*.py"):
        if path.name == "settings.py":
            continue
        code = _code(path)
        for name, value in defaults.items():
            assert not re.search(rf"{name}\W[^\n]*\b{value}\b", code), f"{path}: default of {name} written again"


def test_readme_tree_matches_the_package():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    tree = readme.split("## What is where", 1)[1].split("```", 2)[1]
    listed = set(re.findall(r"\b([a-z_]+\.py|[a-z_]+/)", tree))
    for sub in ("content", "assess", "grade", "insight", "room"):
        assert f"{sub}/" in listed, f"README's tree does not show tobops/{sub}/"
        for path in sorted((PACKAGE / sub).glob("*.py")):
            if path.name != "__init__.py":
                assert path.name in tree, f"README's tree does not name tobops/{sub}/{path.name}"
    for name in re.findall(r"\b([a-z_]+\.py)\b", tree):
        if name in ("nbgrader_config.py", "grading.py"):
            continue
        assert list(PACKAGE.rglob(name)) or (REPO / "benchmarks" / name).exists(), \
            f"README's tree names {name}, which does not exist"


#: what a launcher (of a grading kernel, a template, a hub user's server) must not import
HEAVY = ["jupyterhub", "nbgrader", "jupyter_client", "jupyter_core", "traitlets", "zmq", "tornado", "nbformat", "pandas"]


@pytest.mark.parametrize("module", ["tobops.grade.sandbox", "tobops.room.hub", "tobops.grade.forkserver"])
def test_the_sandbox_launchers_import_nothing_of_jupyters(module):
    """``python -m tobops.grade.sandbox`` starts every grading kernel (stock nbgrader's
    included) and every fork-server template; ``python -m tobops.room.hub`` starts each
    server a hub spawns, a whole room at once. Importing JupyterHub and nbgrader in the
    hub's cost 2.7 s of CPU a server, and jupyter_client and traitlets in either a third of
    a second each time, to build a command. A cold grader server starts its templates
    with ``tobops.grade.forkserver`` before it loads anything of Jupyter's: its templates
    started 0.14 s later when that module held the kernel manager."""
    code = f"import sys, {module}; print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_the_hub_launcher_starts_a_trainee_server_importing_nothing_of_jupyters(tmp_path):
    """Not only its import: the whole launch, as the hub's spawner runs it for a trainee, up
    to the moment it execs the sandbox. Reading the course id from nbgrader's config there
    once imported nbgrader (1.3 s of CPU at each trainee's login). A hub started before an
    upgrade does not pass the course id: the launcher then reads it, and builds the same
    sandbox."""
    from tobops.grade.coursedir import new_home
    from tobops.settings import COURSE_ID

    if not shutil.which("bwrap"):
        pytest.skip("bubblewrap is not installed (make install installs it): the launcher starts no trainee server")
    course, data = new_home(tmp_path / "course"), tmp_path / "hub-data"

    def launch(*course_id: str) -> dict:
        argv = ["--role", "trainee", "--user", "t01", "--home", str(data / "homes" / "t01"), "--data", str(data),
                "--course", str(course.home), *course_id, "--", "jupyterhub-singleuser"]
        code = "\n".join([
            "import json, os, sys",
            "from tobops.room import hub",
            "def execv(path, argv):  # where the launcher becomes the sandboxed server",
            "    print(json.dumps({'argv': argv, 'modules': sorted({m.split('.')[0] for m in sys.modules})}))",
            "    sys.stdout.flush()",
            "    os._exit(0)",
            "os.execv = execv",
            f"hub.launch({argv!r})",
        ])
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
        assert out.returncode == 0, out.stderr[-2000:]
        return json.loads(out.stdout.strip().splitlines()[-1])

    seen = launch("--course-id", COURSE_ID)
    assert seen["argv"][0].endswith("bwrap") and "jupyterhub-singleuser" in seen["argv"][-3], seen["argv"]
    assert str(data / "exchange" / COURSE_ID / "outbound") in seen["argv"], "the released assessments in view"
    assert not set(HEAVY) & set(seen["modules"]), sorted(set(HEAVY) & set(seen["modules"]))
    assert launch()["argv"] == seen["argv"]
