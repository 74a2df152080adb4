"""The two editions of the course: English and Simplified Chinese, from one source.

A lesson notebook's first code cell calls :func:`setup` with its edition (``"en"`` in
``lessons/``, ``"zh"`` in ``lessons/zh/``); everything else the notebook shows follows it:
the self-checks (:mod:`tobops.content.quiz`), the widgets (:mod:`tobops.content.interactives`
use :func:`t`), and matplotlib, which gets a CJK font for the Chinese edition so that chart
titles and labels render (the course's set-up installs WenQuanYi Zen Hei).

Code, datasets, keys, points, objectives and ids are shared by the editions; only text
differs (``tests/test_editions.py`` checks it).
"""
from __future__ import annotations

LANGS = ("en", "zh")
_STATE = {"lang": "en"}

#: fonts tried, in order, for Chinese text in charts (the first installed one is used)
CJK_FONTS = ("WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
             "SimHei", "Microsoft YaHei", "PingFang SC")


def current() -> str:
    return _STATE["lang"]


def set_language(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: one of {', '.join(LANGS)}")
    _STATE["lang"] = lang


def t(en: str, zh: str) -> str:
    """The text in the current edition's language."""
    return zh if _STATE["lang"] == "zh" else en


def pick(texts: dict, key: str, default: str = "") -> str:
    """``texts[key + "_zh"]`` in the Chinese edition when there is one, else ``texts[key]``
    (for the course's TOML data, where a Chinese field sits beside each English one)."""
    if _STATE["lang"] == "zh" and texts.get(f"{key}_zh"):
        return texts[f"{key}_zh"]
    return texts.get(key, default)


def cjk_font() -> str | None:
    """The first CJK font matplotlib can find here, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in CJK_FONTS if f in names), None)


def setup(lang: str = "en") -> None:
    """Start a lesson in its edition: the language of self-checks and widgets, a CJK font
    for charts in Chinese, and pandas and matplotlib display settings."""
    import matplotlib.pyplot as plt
    import pandas as pd

    set_language(lang)
    plt.rcParams["figure.dpi"] = 90
    plt.rcParams["axes.unicode_minus"] = False
    pd.set_option("display.width", 120)
    if lang == "zh":
        use_cjk_font()


def _drop_cjk_weight_notice(record) -> bool:
    """False for matplotlib's "findfont: Failed to find font weight ... WenQuanYi" notice only."""
    msg = record.getMessage()
    return not (msg.startswith("findfont: Failed to find font weight") and any(f in msg for f in CJK_FONTS))


_drop_cjk_weight_notice.tobops_cjk_weight = True


def use_cjk_font() -> None:
    """Put the first installed CJK font first for matplotlib's sans-serif text. The
    WenQuanYi fonts come in one weight (500); matplotlib then logs, on stderr, that it
    uses it for normal and bold text: that notice is silenced, nothing else."""
    import logging

    import matplotlib.pyplot as plt

    font = cjk_font()
    if font is None:
        return
    log = logging.getLogger("matplotlib.font_manager")
    if not any(getattr(f, "tobops_cjk_weight", False) for f in log.filters):
        log.addFilter(_drop_cjk_weight_notice)
    rest = [f for f in plt.rcParams["font.sans-serif"] if f not in CJK_FONTS]
    plt.rcParams["font.sans-serif"] = [font, *rest]
    plt.rcParams["font.family"] = "sans-serif"
