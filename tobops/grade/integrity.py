"""Trainee code that reaches for the grader, named with its cell and line.

Keys never enter the kernel (:mod:`tobops.grade.scoring`), so tampering cannot earn
points; but a submission that tries is something an instructor wants to see. This reads
the trainee's own code cells (everything but the locked cells nbgrader restores) with
IPython's own transformer (so magics and ``!`` lines count) and Python's ``ast``, and
lists every place that hooks into IPython (events, input or AST transformers, custom
exception handlers, replacing ``run_cell``), patches builtins or the modules the checks
use, reaches into the interpreter's internals, or imports the course's own checks to
change them. The findings go to the autograded notebook's metadata, and ``tobops grade``
lists them under "needs attention".
"""
from __future__ import annotations

import ast

from tobops.assess.items import nbgrader_meta

#: attribute names that only code reaching for the grader or the kernel uses
HOOK_ATTRS = {
    "events": "IPython's event hooks", "register": "registers a hook", "set_custom_exc": "a custom exception handler",
    "run_cell": "replaces or calls how cells run", "run_cell_async": "replaces or calls how cells run",
    "run_ast_nodes": "replaces how cells run", "run_code": "replaces how cells run",
    "transform_cell": "rewrites cells", "input_transformers_post": "rewrites cells", "input_transformers_cleanup":
    "rewrites cells", "ast_transformers": "rewrites cells", "input_transformer_manager": "rewrites cells",
    "showtraceback": "changes how errors are reported", "_showtraceback": "changes how errors are reported",
    "display_pub": "changes how outputs are sent", "displayhook": "changes how outputs are sent",
    "excepthook": "changes how errors are reported", "settrace": "traces the interpreter",
    "setprofile": "traces the interpreter", "_getframe": "reads the interpreter's frames",
    "f_back": "reads the interpreter's frames", "f_globals": "reads the interpreter's frames",
    "get_referrers": "searches the interpreter's objects", "get_objects": "searches the interpreter's objects",
    "__subclasses__": "searches the interpreter's objects", "register_magic_function": "adds a magic",
    "pre_run_cell": "IPython's event hooks", "post_run_cell": "IPython's event hooks",
}
HOOK_NAMES = {
    "get_ipython": "gets hold of the IPython shell", "__builtins__": "patches builtins",
    "__import__": "imports by hand", "exec": "runs generated code", "eval": "runs generated code",
    "compile": "compiles generated code", "breakpoint": "starts a debugger",
}
MODULES = {
    "builtins": "patches builtins", "IPython": "reaches into IPython", "ipykernel": "reaches into the kernel",
    "ctypes": "reaches into memory", "gc": "searches the interpreter's objects", "inspect": "reads frames",
    "importlib": "reloads modules", "tobops": "imports the course's checks", "sys": None, "json": None,
}
#: modules whose attributes a trainee has no reason to assign
PATCHABLE = {"builtins", "json", "checks", "tobops", "pd", "pandas", "np", "numpy", "IPython", "display", "sys", "math"}


def _transform(source: str) -> str:
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - IPython could not read it; the plain source then
        return source


def scan_source(source: str) -> list[tuple[int, str]]:
    """(line, what) for every suspicious construct in one cell's code."""
    try:
        tree = ast.parse(_transform(source))
    except SyntaxError:
        return []  # a syntax error is reported as such, elsewhere
    found: list[tuple[int, str]] = []
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                imported.add((alias.asname or alias.name).split(".")[0])
                if MODULES.get(top):
                    found.append((node.lineno, f"imports {alias.name}: {MODULES[top]}"))
        elif isinstance(node, ast.ImportFrom) and node.module:
            top = node.module.split(".")[0]
            imported.update(a.asname or a.name for a in node.names)
            if MODULES.get(top):
                found.append((node.lineno, f"imports from {node.module}: {MODULES[top]}"))
        elif isinstance(node, ast.Attribute) and node.attr in HOOK_ATTRS:
            found.append((node.lineno, f".{node.attr}: {HOOK_ATTRS[node.attr]}"))
        elif isinstance(node, ast.Name) and node.id in HOOK_NAMES:
            found.append((node.lineno, f"{node.id}: {HOOK_NAMES[node.id]}"))
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for t in targets:
                base = t
                while isinstance(base, (ast.Attribute, ast.Subscript)):
                    base = base.value
                if isinstance(t, (ast.Attribute, ast.Subscript)) and isinstance(base, ast.Name) and \
                        (base.id in PATCHABLE or base.id in imported):
                    found.append((node.lineno, f"changes {ast.unparse(t)}: patches a module"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
            found.append((node.lineno, f"{node.func.id}(...): changes an object by name"))
        elif isinstance(node, ast.ClassDef):
            bases = [ast.unparse(b) for b in node.bases]
            if any(b in ("str", "float", "int") for b in bases) and any(
                    isinstance(f, ast.FunctionDef) and f.name in ("__eq__", "__str__", "__hash__", "strip", "upper",
                                                                   "__float__", "__abs__", "__sub__")
                    for f in node.body):
                found.append((node.lineno, f"class {node.name}({', '.join(bases)}) overrides comparison or "
                                           "conversion: an answer that is not plain data"))
    return sorted(set(found))


def scan(nb, trusted: set[str] = frozenset()) -> list[str]:
    """Findings for the trainee's own code cells of a notebook, as 'cell N (id), line L: what'.
    Cells whose source is one of ``trusted`` (e.g. the form's own setup cell, unchanged) are
    not the trainee's code."""
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or cell.source.strip() in trusted:
            continue
        meta = nbgrader_meta(cell)
        if meta.get("locked") and not meta.get("solution"):
            continue  # restored from the instructor's copy before it ran
        where = f"cell {i}" + (f" ({meta['grade_id']})" if meta.get("grade_id") else "")
        out += [f"{where}, line {line}: {what}" for line, what in scan_source(cell.source)]
    return out
