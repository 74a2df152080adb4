"""The bilingual glossary: complete against the curriculum map, well formed, searchable,
and every term taught somewhere in the lesson notebooks.

The map's glossary (section 4 of ``../shared/curriculum-map.md``) is copied into
``MAP_TERMS`` so that these tests run without the map; one test checks the copy against
the map whenever the map is present.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
import pytest

from conftest import REPO
from tobops.content import glossary
def _find_map() -> list[Path]:
    """Where the curriculum map can be: beside this checkout, or beside the checkout it was
    cloned from (CI runs in a fresh clone)."""
    import subprocess

    places = [REPO.parent / "shared" / "curriculum-map.md"]
    origin = subprocess.run(["git", "config", "--get", "remote.origin.url"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip()
    if origin and Path(origin).is_dir():
        places.append(Path(origin).resolve().parent / "shared" / "curriculum-map.md")
    return places


MAP_PLACES = _find_map()
MAP = next((p for p in MAP_PLACES if p.exists()), MAP_PLACES[0])
LESSON_IDS = {f"L{n:02d}" for n in range(1, 9)}

# (chinese, english) of every row of the map's "## 4. Bilingual glossary", in order
MAP_TERMS: list[tuple[str, str]] = [
    ('运营', 'operations'),
    ('拉新', 'acquisition'),
    ('留存', 'retention'),
    ('促活', 'activation / engagement'),
    ('次日留存 / 七日留存', 'next-day / 7-day retention'),
    ('内容运营', 'content operations'),
    ('用户运营', 'user operations'),
    ('活动运营', 'event operations'),
    ('产品运营', 'product operations'),
    ('新媒体运营', 'new-media operations'),
    ('数据运营', 'data operations'),
    ('销售运营', 'sales operations'),
    ('市场运营', 'market operations'),
    ('地面部队 / 空中部队', 'ground troops / air force'),
    ('见到人', '"seeing the person"'),
    ('运营专员', 'operations specialist'),
    ('运营总监', 'operations director'),
    ('首席运营官 (COO)', 'chief operating officer'),
    ('首席营销官 (CMO)', 'chief marketing officer'),
    ('打杂', 'odd jobs / generalist work'),
    ('商务BD', 'business development'),
    ('北极星指标', 'north-star metric (NSM)'),
    ('AARRR模型', 'AARRR model'),
    ('销售额 / 业绩', 'sales revenue / business results'),
    ('价值预期', 'value expectation'),
    ('满意度', 'satisfaction'),
    ('续费率', 'renewal rate'),
    ('有决策权的客户', 'decision-maker customer'),
    ('管理员客户', 'administrator customer'),
    ('业务客户', 'business-user customer'),
    ('使用方', 'user (purchase role)'),
    ('评估方', 'evaluator'),
    ('预算方', 'budget holder'),
    ('拍板方', 'final decider'),
    ('签字方', 'signer'),
    ('干系人', 'stakeholder'),
    ('传统软件', 'traditional software'),
    ('SaaS (软件即服务)', 'software as a service'),
    ('一锤子买卖', 'one-off sale'),
    ('一单一议', 'deal-by-deal pricing'),
    ('小B客户', 'small-B client'),
    ('大客户 / 老客户', 'large account / long-standing client'),
    ('获客成本', 'client-acquisition cost'),
    ('省钱 / 挣钱', 'save money / make money'),
    ('刚需', 'rigid (must-have) need'),
    ('费用部门', 'cost department'),
    ('社群营销', 'community marketing'),
    ('适配', 'fit'),
    ('物料 / 材料 / 资料', 'collateral / materials'),
    ('产品说明文档', 'product description document'),
    ('内部培训版 / 对外宣讲版', 'internal-training / external-presentation version'),
    ('内部协作流程', 'internal collaboration process'),
    ('客户案例 / 成功案例', 'customer case / success case'),
    ('注水', 'watering (inflating)'),
    ('对外输出的体系', 'external output system'),
    ('官网', 'official website'),
    ('双微', '"double Wei"'),
    ('垂直媒体', 'vertical media'),
    ('大V', 'big-V influencer'),
    ('行业协会 / 产业园 / 商圈', 'industry association / industrial park / business district'),
    ('产品手册', 'product brochure'),
    ('售前支持', 'pre-sales support'),
    ('商业策略', 'commercial strategy'),
    ('图名 / 图利', 'for reputation / for profit'),
    ('沟通策略', 'communication strategy'),
    ('话术', 'talk track / sales script'),
    ('销售培训', 'sales training'),
    ('考核', 'assessment'),
    ('现场培训 / 视频培训', 'on-site / video training'),
    ('客户拜访', 'client visit'),
    ('会议纪要', 'meeting minutes'),
    ('资源调动', 'resource mobilisation'),
    ('联运', 'joint operation'),
    ('形成流程', 'codify into process'),
    ('人走茶凉', '"tea goes cold when the person leaves"'),
    ('品牌塑造', 'brand building'),
    ('销售线索', 'sales lead'),
    ('持续曝光', 'continuous exposure'),
    ('发声平台 / 宣传矩阵', 'voice platform / publicity matrix'),
    ('事件营销', 'event marketing'),
    ('行业白皮书', 'industry white paper'),
    ('参会 / 办会', 'attending / hosting a conference'),
    ('复盘', 'post-mortem'),
    ('踩点 / 布展 / 预热', 'site visit / booth set-up / warm-up'),
    ('SEM (搜索引擎营销)', 'search-engine marketing'),
    ('SEO (搜索引擎优化)', 'search-engine optimisation'),
    ('竞品词 / 竞价', 'competitor keywords / bidding'),
    ('建立生态', 'building an ecosystem'),
    ('项目合作', 'project cooperation'),
    ('挂靠第三方平台', 'attaching to a third-party platform'),
    ('打通渠道', 'opening channels'),
    ('客户服务', 'customer service'),
    ('品牌建立', 'brand building (framework)'),
    ('口碑传播', 'word of mouth'),
    ('内容投放', 'content placement'),
    ('软文', 'soft article'),
    ('灯塔效应', 'lighthouse effect'),
    ('背书', 'endorsement / vouching'),
    ('种子用户', 'seed users'),
    ('用户激励体系', 'user-incentive system'),
    ('记录-分类', 'record and classify'),
    ('调性', 'tone'),
    ('DM单', 'DM flyer'),
    ('UGC / PGC', 'user-/professionally-generated content'),
    ('PV / UV', 'page views / unique visitors'),
    ('百度指数', 'Baidu Index'),
    ('全栈运营', 'full-stack operator'),
    ('延迟满足', 'delayed gratification'),
    ('谈单支援', 'deal-negotiation support'),
    ('量少、低频、互动少', 'low volume, low frequency, little interaction'),
]


@pytest.fixture(scope="module")
def gl() -> pd.DataFrame:
    return glossary.load()


# ---------------------------------------------------------------------------
# The data file
# ---------------------------------------------------------------------------

def test_columns_and_no_blank_cells(gl):
    assert list(gl.columns) == ["chinese", "english", "meaning", "meaning_zh", "lesson"]
    for col in gl.columns:
        blank = gl[gl[col].str.strip() == ""]
        assert blank.empty, f"blank {col} in rows {blank.index.tolist()}"


def test_file_is_utf8_with_header():
    raw = glossary.GLOSSARY_CSV.read_bytes()
    text = raw.decode("utf-8")  # raises if not UTF-8
    assert text.splitlines()[0] == "chinese,english,meaning,meaning_zh,lesson"
    assert not raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark"


def test_map_copy_has_no_duplicate_terms():
    assert len({zh for zh, _ in MAP_TERMS}) == len(MAP_TERMS)


def test_map_copy_matches_the_map():
    if not MAP.exists():
        pytest.skip(f"the curriculum map is not beside this checkout (looked in {', '.join(map(str, MAP_PLACES))})")
    text = MAP.read_text(encoding="utf-8")
    section = text[text.index("## 4. Bilingual glossary"):text.index("## 5.")]
    rows = [[c.strip() for c in line.split("|")[1:-1]] for line in section.splitlines()
            if re.match(r"\| \d+ \|", line)]
    assert [(zh, en) for _, zh, en, _ in rows] == MAP_TERMS


@pytest.mark.parametrize("zh,en", MAP_TERMS, ids=[zh for zh, _ in MAP_TERMS])
def test_every_map_term_is_in_the_glossary(gl, zh, en):
    row = gl[gl["chinese"] == zh]
    assert len(row) == 1, f"map term {zh} ({en}) is missing from glossary.csv"
    assert row["english"].iloc[0] == en, f"{zh}: English should be {en!r} as in the map"


def test_no_duplicates(gl):
    assert not gl["chinese"].duplicated().any(), gl[gl["chinese"].duplicated()]["chinese"].tolist()
    assert not gl["english"].str.casefold().duplicated().any(), \
        gl[gl["english"].str.casefold().duplicated()]["english"].tolist()


def test_every_lesson_id_is_a_real_lesson(gl):
    bad = gl[~gl["lesson"].isin(LESSON_IDS)]
    assert bad.empty, f"unknown lesson ids: {bad[['chinese', 'lesson']].values.tolist()}"


def test_lesson_ids_have_lesson_files(gl):
    from tobops.content.course import lessons

    known = {les.id for les in lessons()}
    assert set(gl["lesson"]) <= known, sorted(set(gl["lesson"]) - known)


def test_meanings_are_short_own_sentences(gl):
    assert (gl["meaning"].str.len() <= 200).all()
    assert gl["meaning"].str.match(r"^[A-Z0-9\"']").all(), "meanings start like a sentence"


CJK = re.compile(r"[\u3400-\u9fff]")


def test_every_term_has_a_chinese_meaning(gl):
    blank = gl[gl["meaning_zh"].str.strip() == ""]
    assert blank.empty, f"no meaning_zh for {blank['chinese'].tolist()}"
    not_chinese = gl[~gl["meaning_zh"].map(lambda m: bool(CJK.search(m)))]
    assert not_chinese.empty, f"meaning_zh without Chinese characters: {not_chinese['chinese'].tolist()}"
    assert (gl["meaning_zh"].str.len() <= 120).all()
    assert not (gl["meaning_zh"] == gl["meaning"]).any(), "meaning_zh is a translation, not a copy"


# ---------------------------------------------------------------------------
# The module
# ---------------------------------------------------------------------------

def test_load_returns_a_copy(gl):
    df = glossary.load()
    df.loc[0, "english"] = "changed"
    assert glossary.load().loc[0, "english"] == gl.loc[0, "english"]


@pytest.mark.parametrize("query,chinese", [
    ("灯塔效应", "灯塔效应"), ("lighthouse effect", "灯塔效应"), ("Lighthouse Effect", "灯塔效应"),
    ("七日留存", "次日留存 / 七日留存"), ("软件即服务", "SaaS (软件即服务)"), ("SaaS", "SaaS (软件即服务)"),
    ("seeing the person", "见到人"), ("NSM", "北极星指标"), ("记录-分类", "记录-分类"),
])
def test_lookup_exact(query, chinese):
    text = glossary.lookup(query)
    assert text.count("\n") == 0, text
    assert text.startswith(chinese + " = ")
    row = glossary.load().set_index("chinese").loc[chinese]
    assert row["english"] in text and row["lesson"] in text and row["meaning"] in text


def test_lookup_shows_the_meaning_of_the_edition(gl):
    from tobops.content.lang import current, set_language

    row = gl.set_index("chinese").loc["灯塔效应"]
    before = current()
    try:
        set_language("zh")
        text = glossary.lookup("lighthouse effect")
        assert text == f"灯塔效应 = lighthouse effect (L08): {row['meaning_zh']}"
        set_language("en")
        assert glossary.lookup("灯塔效应") == f"灯塔效应 = lighthouse effect (L08): {row['meaning']}"
    finally:
        set_language(before)


@pytest.mark.parametrize("query", ["标杆客户", "reference clients"])
def test_lookup_falls_back_to_either_meaning(query):
    """A word found in no term but in a meaning (Chinese or English) still finds the term."""
    assert not glossary.load()["chinese"].str.contains(query).any()
    assert glossary.lookup(query).startswith("灯塔效应 = ")


def test_lookup_partial_lists_every_match(gl):
    text = glossary.lookup("客户")
    expected = gl[gl["chinese"].str.contains("客户") | gl["english"].str.contains("客户")]
    assert len(text.splitlines()) == len(expected) > 5


def test_lookup_unknown_raises():
    with pytest.raises(KeyError):
        glossary.lookup("no such term at all")


def test_table_filters_by_lesson(gl):
    for lid in ("L08", "8", 8):
        data = glossary.table(lid).data
        assert set(data["lesson"]) == {"L08"}
        assert len(data) == (gl["lesson"] == "L08").sum()
    assert len(glossary.table().data) == len(gl)
    assert "<table" in glossary.table("L02").to_html()
    with pytest.raises(ValueError):
        glossary.table("lesson eight")


def test_filtered_query(gl):
    df = glossary.filtered(query="renewal")
    assert "续费率" in df["chinese"].tolist()
    assert glossary.filtered(lesson="L02", query="灯塔").empty


def test_search_matches_words_of_either_meaning(gl):
    # 标杆客户 appears only in the Chinese meaning of 灯塔效应, "reference clients" only in the English one
    for query in ("标杆客户", "reference clients"):
        assert glossary.filtered(query=query)["chinese"].tolist() == ["灯塔效应"]
    # terms first, then meanings: 续费 is in the term 续费率 and in the meaning of SaaS
    found = glossary.filtered(query="续费")["chinese"].tolist()
    assert found[0] == "续费率" and "SaaS (软件即服务)" in found


def test_table_shows_the_meaning_of_the_edition(gl):
    from tobops.content.lang import current, set_language

    before = current()
    try:
        set_language("en")
        styler = glossary.table("L08")
        assert list(styler.data.columns) == ["chinese", "english", "meaning", "lesson"]
        set_language("zh")
        styler = glossary.table("L08")
        assert list(styler.data.columns) == ["chinese", "english", "meaning_zh", "lesson"]
        page = styler.to_html()
        assert "释义" in page and "meaning" not in page
        assert gl.set_index("chinese").loc["灯塔效应", "meaning_zh"] in page
    finally:
        set_language(before)


def test_search_box_widget_reacts(gl):
    ui = glossary.search_box()
    assert isinstance(ui, widgets.Widget)
    assert f"<b>{len(gl)}</b>" in ui.count.value
    ui.text.value = "灯塔"
    assert "<b>1</b>" in ui.count.value and "lighthouse effect" in ui.output.value
    row = gl.set_index("chinese").loc["灯塔效应"]
    assert html.escape(row["meaning"]) in ui.output.value and row["meaning_zh"] not in ui.output.value
    assert "<th style='text-align:left'>Meaning</th>" in ui.output.value
    ui.text.value = "标杆客户"  # a word of the Chinese meaning finds the term in the English edition too
    assert "<b>1</b>" in ui.count.value and "lighthouse effect" in ui.output.value
    ui.text.value = ""
    ui.lesson.value = "L08"
    assert f"<b>{(gl['lesson'] == 'L08').sum()}</b>" in ui.count.value
    ui.text.value = "zzzz-nothing"
    assert "No glossary term matches" in ui.output.value


def test_search_box_speaks_the_edition(gl):
    from tobops.content.lang import current, set_language

    before = current()
    set_language("zh")
    try:
        ui = glossary.search_box()
        assert ui.text.description == "搜索" and ui.lesson.description == "课程"
        assert ui.lesson.options[0] == ("全部课程", None)
        assert f"共 <b>{len(gl)}</b> 个术语" in ui.count.value
        assert "<th style='text-align:left'>中文</th>" in ui.output.value
        assert "<th style='text-align:left'>释义</th>" in ui.output.value and "释义（英文）" not in ui.output.value
        row = gl.set_index("chinese").loc["灯塔效应"]
        ui.text.value = "灯塔"
        assert "共 <b>1</b> 个术语" in ui.count.value
        assert row["meaning_zh"] in ui.output.value and html.escape(row["meaning"]) not in ui.output.value
        ui.text.value = "标杆客户"  # a word that is only in the Chinese meaning
        assert "共 <b>1</b> 个术语" in ui.count.value and "灯塔效应" in ui.output.value
        ui.text.value = "reference clients"  # and one only in the English meaning
        assert "共 <b>1</b> 个术语" in ui.count.value and "灯塔效应" in ui.output.value
        ui.text.value = "zzzz-nothing"
        assert "没有匹配的术语" in ui.output.value
        titles = glossary.lesson_titles()
        from tobops.content.course import lesson
        assert titles["L01"] == lesson("L01").title_in("zh")
    finally:
        set_language(before)


# ---------------------------------------------------------------------------
# Every term is taught in a lesson notebook
# ---------------------------------------------------------------------------

def _lesson_notebooks():
    return sorted(p for p in (REPO / "lessons").glob("*.ipynb") if re.match(r"\d\d-", p.name))


def _notebook_text() -> str:
    parts = []
    for path in _lesson_notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            src = cell["source"]
            parts.append("".join(src) if isinstance(src, list) else src)
    return re.sub(r"\s+", " ", "\n".join(parts))


def _present(form: str, text: str, folded: str) -> bool:
    form = re.sub(r"\s+", " ", form.strip())
    if re.search(r"[\u3400-\u9fff]", form):
        return form in text
    # English (or Latin acronyms): whole words, case-insensitive
    return re.search(r"(?<![\w-])" + re.escape(form.casefold()) + r"(?![\w-])", folded) is not None


def term_found(chinese: str, english: str, text: str) -> bool:
    """True if the term's Chinese or English form is in ``text``.

    A cell with several forms counts as found when its whole text, its bare form (outside
    brackets) or its bracketed form is present, or when every one of its ' / ' parts is.
    """
    folded = text.casefold()
    for cell in (chinese, english):
        bare = cell.strip().strip('"')
        outer = re.sub(r"\s*[(（][^)）]*[)）]", "", bare).strip()
        inner = re.findall(r"[(（]([^)）]+)[)）]", bare)
        for form in {bare, outer, *inner}:
            if form and _present(form, text, folded):
                return True
        parts = [p for p in re.split(r"\s+/\s+", outer) if p]
        if len(parts) > 1 and all(_present(p, text, folded) for p in parts):
            return True
    return False


def test_term_matching_rules():
    text = "The renewal rate (续费率) and next-day retention (次日留存), 七日留存 too. SaaS is..."
    assert term_found("续费率", "renewal rate", text)
    assert term_found("次日留存 / 七日留存", "next-day / 7-day retention", text)
    assert term_found("SaaS (软件即服务)", "software as a service", text)
    assert not term_found("灯塔效应", "lighthouse effect", text)
    assert not term_found("适配", "fit", "a misfit")  # whole words only


GLOSSARY_ROWS = glossary.load()[["chinese", "english", "lesson"]].itertuples(index=False)


@pytest.mark.parametrize("zh,en,lesson", list(GLOSSARY_ROWS), ids=lambda v: v if isinstance(v, str) else None)
def test_every_term_appears_in_a_lesson_notebook(zh, en, lesson):
    """Every glossary term must be used by some lesson. While a term's own lesson has no
    notebook yet, the check is skipped (pytest -rs lists those terms)."""
    if term_found(zh, en, _TEXT.get()):
        return
    from tobops.content.course import lesson as lesson_meta

    notebook = REPO / lesson_meta(lesson).notebook
    if not notebook.exists():
        pytest.skip(f"{zh} ({en}): not in any lesson yet, and {lesson}'s notebook is not written yet")
    names = ", ".join(p.name for p in _lesson_notebooks())
    pytest.fail(f"glossary term {zh} ({en}, taught in {lesson}) appears in no lesson notebook ({names})")


class _CachedText:
    def __init__(self):
        self._text = None

    def get(self) -> str:
        if self._text is None:
            self._text = _notebook_text()
        return self._text


_TEXT = _CachedText()


def missing_terms() -> list[tuple[str, str, str]]:
    """(chinese, english, lesson) of every term no lesson notebook uses yet."""
    text = _notebook_text()
    return [(zh, en, les) for zh, en, les in glossary.load()[["chinese", "english", "lesson"]].itertuples(index=False)
            if not term_found(zh, en, text)]


if __name__ == "__main__":  # python tests/test_glossary.py: list the terms no lesson uses yet
    for zh, en, les in missing_terms():
        print(f"{les}\t{zh}\t{en}")
