"""The three descriptions of the environment agree: pyproject.toml (ranges, pip users),
environment.yml (the same ranges, conda users) and constraints.txt (exact pins)."""
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from conftest import REPO


def pyproject_requirements():
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    reqs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["dev"]
    return {canonicalize_name(r.name): r for r in map(Requirement, reqs)}


def conda_requirements():
    deps = yaml.safe_load((REPO / "environment.yml").read_text())["dependencies"]
    out = {}
    for d in deps:
        if isinstance(d, str) and not d.startswith(("python ", "python>", "pip")) and d != "python":
            name, _, spec = d.partition(" ")
            out[canonicalize_name(name)] = Requirement(name + spec.replace(" ", ""))
        elif isinstance(d, dict):  # packages conda must take from PyPI
            for p in d.get("pip", []):
                if not p.startswith("-"):
                    name, _, spec = p.partition(" ")
                    out[canonicalize_name(name)] = Requirement(name + spec.replace(" ", ""))
    return out


def pins():
    out = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not an exact pin"
            out[canonicalize_name(name)] = Version(version)
    return out


def test_environment_yml_lists_the_same_packages_and_ranges_as_pyproject():
    py, conda = pyproject_requirements(), conda_requirements()
    assert sorted(py) == sorted(conda), "package lists differ"
    for name, req in py.items():
        assert req.specifier == conda[name].specifier, f"{name}: pyproject {req.specifier} vs environment.yml {conda[name].specifier}"


def test_environment_yml_installs_the_course_package():
    deps = yaml.safe_load((REPO / "environment.yml").read_text())["dependencies"]
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    assert "-e ." in pip


def test_every_dependency_is_pinned_exactly_within_its_range():
    pinned = pins()
    for name, req in pyproject_requirements().items():
        assert name in pinned, f"{name} is not pinned in constraints.txt"
        assert pinned[name] in req.specifier, f"{name}=={pinned[name]} is outside {req.specifier}"


def test_the_installed_packages_are_compiled_to_bytecode():
    """`make install` compiles every module once. Python writes no bytecode where
    PYTHONDONTWRITEBYTECODE is set, nor in a trainee's read-only sandbox: without it, every
    kernel, server and command would compile pandas, IPython and nbgrader from source again."""
    import importlib.util
    from pathlib import Path

    for name in ("pandas", "matplotlib", "IPython", "ipykernel", "nbgrader", "nbconvert", "jupyter_server",
                 "sqlalchemy"):
        root = Path(importlib.util.find_spec(name).origin).parent
        sources = list(root.rglob("*.py"))
        missing = [p for p in sources if not Path(importlib.util.cache_from_source(str(p))).exists()]
        assert sources and not missing, f"{name}: {len(missing)} of {len(sources)} modules not compiled, e.g. {missing[0]}"
