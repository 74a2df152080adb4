"""The course's bilingual glossary (Chinese ↔ English), with where each term is taught.

The data lives in ``tobops/content/data/glossary.csv`` (UTF-8), one row per term, with columns
``chinese, english, meaning, meaning_zh, lesson``: ``meaning`` is a short meaning in English,
``meaning_zh`` the same meaning in Simplified Chinese, and ``lesson`` a lesson id such as ``"L02"``.
It holds every term of the curriculum map's glossary plus extra terms the lessons use.

    from tobops.content import glossary
    glossary.load()                  # the whole glossary as a DataFrame
    glossary.lookup("灯塔效应")        # one line: Chinese, English, lesson, meaning
    glossary.lookup("lighthouse")    # English works too (also parts of a term, or words of a meaning)
    glossary.table("L08")            # a styled table of one lesson's terms
    glossary.search_box()            # an ipywidgets search box that filters the table

The search box, the tables and :func:`lookup` speak the edition's language
(:func:`tobops.content.lang.current`: call ``setup("zh")`` first for the Chinese edition): the
terms are the same in both editions, and each shows the meaning in its own language
(``meaning_zh`` in the Chinese edition, ``meaning`` in the English one).  Searching matches the
query in either meaning, whatever the edition.

A cell such as ``次日留存 / 七日留存`` or ``SaaS (软件即服务)`` holds several forms of one
term; :func:`forms` splits it, and lookups match any form.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from tobops.content.lang import current, t

GLOSSARY_CSV = Path(__file__).resolve().parent / "data" / "glossary.csv"
COLUMNS = ("chinese", "english", "meaning", "meaning_zh", "lesson")
#: the columns that hold a term's meaning, one per language
MEANING_COLUMNS = ("meaning", "meaning_zh")


@lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    df = pd.read_csv(GLOSSARY_CSV, encoding="utf-8", dtype=str, keep_default_na=False)
    missing = set(COLUMNS) - set(df.columns)
    if missing:
        raise ValueError(f"{GLOSSARY_CSV.name} lacks column(s) {sorted(missing)}")
    return df[list(COLUMNS)]


def load() -> pd.DataFrame:
    """The glossary as a DataFrame with columns chinese, english, meaning, meaning_zh, lesson (a copy)."""
    return _load().copy()


def forms(text: str) -> list[str]:
    """The separate forms written in one glossary cell.

    ``"次日留存 / 七日留存"`` → both halves (only a slash with spaces around it separates forms); ``"SaaS (软件即服务)"`` → ``"SaaS"``, ``"软件即服务"``
    and the whole; quotes around English phrases are dropped.  The whole cell comes first.
    """
    text = text.strip()
    out = [text]
    bare = text.strip('"“”')
    inner = re.findall(r"[(（]([^)）]+)[)）]", bare)
    outer = re.sub(r"\s*[(（][^)）]*[)）]", "", bare).strip()
    for piece in [bare, outer, *inner]:
        for part in re.split(r"\s+/\s+", piece):
            part = part.strip().strip('"“”').strip()
            if part:
                out.append(part)
    seen: list[str] = []
    for f in out:
        if f and f not in seen:
            seen.append(f)
    return seen


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip().strip('"“”')).casefold()


def meaning_column(lang: str | None = None) -> str:
    """The column holding the meaning in ``lang`` (default: the current edition's):
    ``"meaning_zh"`` for Chinese, ``"meaning"`` for English."""
    return "meaning_zh" if (lang or current()) == "zh" else "meaning"


def _line(row: pd.Series) -> str:
    return f"{row['chinese']} = {row['english']} ({row['lesson']}): {row[meaning_column()]}"


def _in_meaning(df: pd.DataFrame, q: str) -> pd.Series:
    """Rows whose English or Chinese meaning contains the (normalised) query ``q``."""
    hit = pd.Series(False, index=df.index)
    for col in MEANING_COLUMNS:
        if col in df.columns:
            hit |= df[col].str.casefold().str.contains(q, regex=False)
    return hit


def matches(query: str, df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows whose Chinese, English or meaning (English or Chinese) contains ``query``
    (case-insensitive).

    Exact matches on a term (any of its forms) come first, then matches inside a term,
    then matches found only in the meaning.
    """
    df = load() if df is None else df
    q = _norm(query)
    if not q:
        return df.iloc[0:0]
    exact = df.apply(lambda r: any(_norm(f) == q for f in forms(r["chinese"]) + forms(r["english"])), axis=1)
    in_term = df["chinese"].str.casefold().str.contains(q, regex=False) | \
        df["english"].str.casefold().str.contains(q, regex=False)
    in_meaning = _in_meaning(df, q)
    rank = pd.Series(3, index=df.index)
    rank[in_meaning] = 2
    rank[in_term] = 1
    rank[exact] = 0
    keep = rank < 3
    return df[keep].assign(_rank=rank[keep]).sort_values(["_rank", "lesson"], kind="stable").drop(columns="_rank")


def lookup(term: str) -> str:
    """Find a term by its Chinese or English form and return it as one line of text:
    ``chinese = english (lesson): meaning``, the meaning in the current edition's language.

    An exact match (on any form of a term) gives that term alone; otherwise every term
    whose Chinese or English contains ``term`` is returned, one per line; failing that,
    every term whose meaning (English or Chinese) contains it.  Raises ``KeyError`` when
    nothing matches.
    """
    df = load()
    q = _norm(term)
    found = matches(term, df)
    exact = found[found.apply(lambda r: any(_norm(f) == q for f in forms(r["chinese"]) + forms(r["english"])),
                              axis=1)] if len(found) else found
    if len(exact):
        return "\n".join(_line(r) for _, r in exact.iterrows())
    in_term = found[found["chinese"].str.casefold().str.contains(q, regex=False)
                    | found["english"].str.casefold().str.contains(q, regex=False)] if len(found) else found
    if len(in_term):
        return "\n".join(_line(r) for _, r in in_term.iterrows())
    if len(found):  # matches() keeps only rows that match in a term or in a meaning
        return "\n".join(_line(r) for _, r in found.iterrows())
    raise KeyError(f"no glossary term matches {term!r}")


def _lesson_id(lesson) -> str:
    if isinstance(lesson, int) or (isinstance(lesson, str) and lesson.strip().isdigit()):
        return f"L{int(lesson):02d}"
    s = str(lesson).strip().upper()
    if re.fullmatch(r"L\d{1,2}", s):
        return f"L{int(s[1:]):02d}"
    raise ValueError(f"not a lesson id: {lesson!r} (use e.g. 'L08' or 8)")


def lesson_titles(lang: str | None = None) -> dict[str, str]:
    """Lesson id → title in ``lang`` (default: the current edition's), from the course's
    lesson files (empty if unavailable)."""
    try:
        from tobops.content.course import lessons
        return {les.id: les.title_in(lang or current()) for les in lessons()}
    except Exception:  # pragma: no cover - the glossary works without lesson metadata
        return {}


def filtered(lesson=None, query: str = "") -> pd.DataFrame:
    """The glossary rows of one lesson (or all) that match ``query`` (or all rows)."""
    df = load()
    if lesson is not None:
        df = df[df["lesson"] == _lesson_id(lesson)]
    if query.strip():
        df = matches(query, df)
    else:
        df = df.sort_values("lesson", kind="stable")
    return df.reset_index(drop=True)


def table(lesson=None, query: str = ""):
    """A styled table (pandas Styler) of one lesson's terms, or of all terms.

    ``lesson`` may be ``"L08"``, ``"8"`` or ``8``; ``query`` filters as :func:`matches`.
    The table shows the meaning in the current edition's language only (its data has the
    columns chinese, english, meaning or meaning_zh, lesson); in the Chinese edition the
    headings are in Chinese.
    """
    shown = meaning_column()
    df = filtered(lesson, query)
    df = df[["chinese", "english", shown, "lesson"]]
    styler = df.style.hide(axis="index").set_properties(**{"text-align": "left"})
    if current() == "zh":
        styler = styler.relabel_index(["中文", "英文", "释义", "课程"], axis="columns")
    styler = styler.set_properties(subset=["chinese"], **{"font-weight": "bold", "white-space": "nowrap"})
    styler = styler.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
    return styler


def to_html(df: pd.DataFrame, group_by_lesson: bool = True) -> str:
    """HTML for a glossary frame, with one heading per lesson when ``group_by_lesson``; the
    meaning column is the current edition's (``meaning_zh`` in Chinese, ``meaning`` in English)."""
    if df.empty:
        return t("<i>No glossary term matches.</i>", "<i>没有匹配的术语。</i>")
    titles = lesson_titles()
    shown = meaning_column() if meaning_column() in df.columns else "meaning"
    parts = []
    groups = df.groupby("lesson", sort=True) if group_by_lesson else [(None, df)]
    for lid, g in groups:
        if lid is not None:
            title = titles.get(lid, "")
            label = t((": " + title if title else "") + f" ({len(g)} terms)",
                      ("：" + title if title else "") + f"（{len(g)} 个术语）")
            parts.append(f"<h4 style='margin:0.8em 0 0.3em'>{html.escape(lid)}{html.escape(label)}</h4>")
        rows = "".join(
            f"<tr><td style='white-space:nowrap'><b>{html.escape(r.chinese)}</b></td>"
            f"<td>{html.escape(r.english)}</td><td>{html.escape(getattr(r, shown))}</td></tr>"
            for r in g.itertuples()
        )
        heads = "".join(f"<th style='text-align:left'>{h}</th>" for h in
                        (t("Chinese", "中文"), t("English", "英文"), t("Meaning", "释义")))
        parts.append(f"<table><tr>{heads}</tr>{rows}</table>")
    return "".join(parts)


def search_box(lesson=None):
    """An ipywidgets search box (Text) plus a lesson filter (Dropdown) over the glossary.

    The box matches Chinese, English and both meanings; the table shows the meaning in the
    current edition's language."""
    import ipywidgets as widgets

    lessons = sorted(load()["lesson"].unique())
    titles = lesson_titles()
    options = [(t("All lessons", "全部课程"), None)] + [(f"{l} {titles.get(l, '')}".strip(), l) for l in lessons]
    text = widgets.Text(value="", placeholder=t("Type Chinese or English, e.g. 灯塔 or renewal",
                                                "输入中文或英文，例如 灯塔、续费 或 renewal"),
                        description=t("Search", "搜索"), layout={"width": "420px"})
    which = widgets.Dropdown(options=options, value=None if lesson is None else _lesson_id(lesson),
                             description=t("Lesson", "课程"))
    count = widgets.HTML()
    out = widgets.HTML()

    def update(_=None):
        df = filtered(which.value, text.value)
        count.value = t(f"<b>{len(df)}</b> term(s)", f"共 <b>{len(df)}</b> 个术语")
        out.value = to_html(df)

    text.observe(update, names="value")
    which.observe(update, names="value")
    update()
    ui = widgets.VBox([widgets.HBox([text, which, count]), out])
    ui.text, ui.lesson, ui.count, ui.output = text, which, count, out
    return ui
