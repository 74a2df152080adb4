"""The course in two editions from one source: every lesson has a Simplified Chinese
notebook beside the English one that differs from it in text only (the same cells, the
same code but for its strings and comments, the same section numbers, self-checks and
widgets), its TOML data is complete in both languages, and each edition's time is measured."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from conftest import REPO
from tobops.content import course as course_meta
from tobops.content import timing

LESSONS = course_meta.lessons()
PAIRS = [(les.id, REPO / les.notebook, REPO / les.notebook_in("zh")) for les in LESSONS] + \
    [("glossary", REPO / "lessons" / "glossary.ipynb", REPO / "lessons" / "zh" / "glossary.ipynb")]


class _Strings(ast.NodeTransformer):
    """Blank out every string (text differs between editions); keep everything else."""

    def visit_Constant(self, node):
        return ast.copy_location(ast.Constant(value="" if isinstance(node.value, str) else node.value), node)

    def visit_JoinedStr(self, node):
        return ast.copy_location(ast.Constant(value=""), node)


def code_shape(source: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager

    tree = ast.parse(TransformerManager().transform_cell(source))
    return ast.dump(_Strings().visit(tree))


def sections(nb) -> list[str]:
    return [m for c in nb.cells if c.cell_type == "markdown"
            for m in re.findall(r"^#+ *(\d+(?:\.\d+)+)\b", c.source, re.M)]


@pytest.mark.parametrize("lid, en_path, zh_path", PAIRS, ids=[p[0] for p in PAIRS])
def test_the_chinese_edition_differs_from_the_english_in_text_only(lid, en_path, zh_path):
    assert zh_path.exists(), f"{lid}: no Chinese edition ({zh_path.relative_to(REPO)})"
    en, zh = nbformat.read(en_path, as_version=4), nbformat.read(zh_path, as_version=4)
    assert [c.cell_type for c in en.cells] == [c.cell_type for c in zh.cells], "the same cells, in the same order"
    for i, (a, b) in enumerate(zip(en.cells, zh.cells)):
        assert a.metadata == b.metadata, f"cell {i}: metadata differ"
        if a.cell_type == "code":
            assert code_shape(a.source) == code_shape(b.source), f"cell {i}: the code differs, not only its text"
    assert sections(en) == sections(zh), "the same numbered sections"
    first = next(c.source for c in zh.cells if c.cell_type == "code")
    if lid != "glossary":
        assert 'setup("zh")' in first and 'setup("en")' in next(c.source for c in en.cells if c.cell_type == "code")


@pytest.mark.parametrize("lid, en_path, zh_path", PAIRS, ids=[p[0] for p in PAIRS])
def test_the_chinese_edition_is_written_in_chinese(lid, en_path, zh_path):
    zh = nbformat.read(zh_path, as_version=4)
    prose = "\n".join(c.source for c in zh.cells if c.cell_type == "markdown")
    prose = re.sub(r"`[^`]*`|```.*?```|\([^)]*[A-Za-z][^)]*\)", " ", prose, flags=re.S)
    cjk = len(re.findall(r"[\u3400-\u9fff]", prose))
    latin = len(re.findall(r"[A-Za-z]{3,}", prose))
    assert cjk > 4 * latin, f"{lid}: {cjk} Chinese characters against {latin} English words"


@pytest.mark.parametrize("les", LESSONS, ids=[les.id for les in LESSONS])
def test_lesson_data_is_complete_in_both_languages(les):
    assert les.title_zh, f"{les.id}: no title_zh"
    assert set(les.objectives_zh) == set(les.objectives), f"{les.id}: objectives_zh incomplete"
    assert set(les.sections_zh) == set(les.sections), f"{les.id}: sections_zh incomplete"
    for q in les.quiz:
        assert q.get("prompt_zh"), f"{les.id}/{q['id']}: no prompt_zh"
        if "options" in q:
            assert len(q.get("options_zh", [])) == len(q["options"]), f"{les.id}/{q['id']}: options_zh"
        for key in ("why", "why_wrong", "hint"):
            if q.get(key):
                assert q.get(f"{key}_zh"), f"{les.id}/{q['id']}: no {key}_zh"


@pytest.mark.parametrize("les", LESSONS, ids=[les.id for les in LESSONS])
def test_time_estimates_are_measured_for_both_editions(les):
    en = timing.estimate(nbformat.read(REPO / les.notebook, as_version=4), "en")["minutes"]
    zh = timing.estimate(nbformat.read(REPO / les.notebook_in("zh"), as_version=4), "zh")["minutes"]
    assert (les.minutes, les.minutes_zh) == (en, zh), f"{les.id}: TOML says {les.minutes}/{les.minutes_zh}, measured {en}/{zh}"
    for path, minutes in ((REPO / les.notebook, en), (REPO / les.notebook_in("zh"), zh)):
        title = nbformat.read(path, as_version=4).cells[0].source
        assert re.search(rf"\b{minutes}\b", title), f"{path.name}: the title cell does not show {minutes} minutes"


def test_chinese_charts_print_nothing_on_stderr(tmp_path):
    """The CJK font has one weight; matplotlib's notice about it would land on stderr (and
    stderr in a graded cell scores it 0). setup("zh") drops that notice and nothing else."""
    import subprocess
    import sys

    from tobops.content.lang import cjk_font

    if cjk_font() is None:
        pytest.skip("no CJK font installed (make install adds one)")
    code = ("from tobops.content.lang import setup\nsetup('zh')\n"
            "import matplotlib; matplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
            "import logging\n"
            "fig, ax = plt.subplots(); ax.set_title('北极星指标', fontweight='bold'); ax.bar(['新客', '老客'], [3, 4])\n"
            f"fig.savefig({str(tmp_path / 'c.png')!r})\n"
            "logging.getLogger('matplotlib.font_manager').warning('findfont: something else')\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**__import__("os").environ, "MPLCONFIGDIR": str(tmp_path / "mpl")})
    assert run.returncode == 0, run.stderr
    assert "Failed to find font weight" not in run.stderr
    assert "something else" in run.stderr          # other font notices still show
