"""Lesson 07 (The market-operations arm): post-mortem, content report and go/no-go helpers.

Plain functions (testable without a browser):

* :data:`CONTENT_TYPES`: the seven content types of *The Two Hands of ToB Operations*
  (ids as in D6).
* :func:`event_postmortem`: one post-mortem (复盘) row per event from D4 + D5.
* :func:`cxo_band`, :func:`rates_by_band`, :func:`forecast`, :func:`go_no_go`,
  :func:`checklist`: the go / no-go and checklist generator.
* :func:`monthly_content_report`: the monthly content-operations report from D6.
* :data:`PARTNERSHIP_SCENARIOS`, :func:`check_partnership`: the partnership matcher.

Widgets: :func:`go_no_go_widget` and :func:`partnership_matcher`.

Texts a trainee sees go through :func:`tobops.content.lang.t`, so the widgets follow the
edition that ``setup()`` chose; keys and values (columns, ids, bands, choices) are the same
in both.
"""
from __future__ import annotations

import html

import pandas as pd

from tobops.content.lang import current, t

#: the widget builders a lesson displays (what tobops.content.timing counts as widgets)
WIDGETS = ('go_no_go_widget', 'partnership_matcher')

CONTENT_TYPES: dict[str, str] = {
    "event_report": "Event reports (活动报道)",
    "tech_product_sharing": "Tech/product sharing (技术产品分享)",
    "people_profile": "People profiles (人物宣传)",
    "story_sharing": "Story sharing (故事分享)",
    "event_marketing": "Event marketing (事件营销)",
    "industry_summary": "Industry summaries (行业总结)",
    "ops_data_report": "Systematised operations data (运营数据体系化)",
}


# --------------------------------------------------------------------------------------
# Conference post-mortem (D4 events + D5 leads)
# --------------------------------------------------------------------------------------
def event_postmortem(events: pd.DataFrame, leads: pd.DataFrame) -> pd.DataFrame:
    """One row per event: cost, leads, clients reached, A/B/C mix, follow-ups, won,
    close rate, cost per lead, cost per won deal and revenue / cost.

    ``clients_reached`` counts the leads that were followed up at least once (a lead is a
    client contact; following up is what turns a badge scan into a reached client).
    """
    ev = leads[leads["event_id"].notna()]
    per = ev.groupby("event_id").agg(
        leads=("lead_id", "size"),
        clients_reached=("followed_up", "sum"),
        followups=("followup_count", "sum"),
        won=("won", "sum"),
        revenue_cny=("won_amount_cny", "sum"),
    )
    levels = pd.crosstab(ev["event_id"], ev["lead_level"]).reindex(columns=["A", "B", "C"], fill_value=0)
    levels.columns = [f"level_{c}" for c in levels.columns]
    cols = ["event_id", "mode", "event_format", "attendee_count", "share_cxo", "cost_cny"]
    out = events[cols].set_index("event_id").join(per).join(levels)
    fill = ["leads", "clients_reached", "followups", "won", "revenue_cny", "level_A", "level_B", "level_C"]
    out[fill] = out[fill].fillna(0).astype(int)
    out["close_rate"] = (out["won"] / out["leads"].where(out["leads"] > 0)).round(3)
    out["cost_per_lead_cny"] = (out["cost_cny"] / out["leads"].where(out["leads"] > 0)).round(0)
    out["cost_per_won_cny"] = (out["cost_cny"] / out["won"].where(out["won"] > 0)).round(0)
    out["revenue_per_cost"] = (out["revenue_cny"] / out["cost_cny"]).round(2)
    return out


BANDS = ("low CxO (<20%)", "mid CxO (20-50%)", "high CxO (>=50%)")
BANDS_ZH = ("CxO 占比低（<20%）", "CxO 占比中（20-50%）", "CxO 占比高（>=50%）")


def band_label(band: str) -> str:
    """A CxO band as shown in the current edition."""
    return t(band, BANDS_ZH[BANDS.index(band)])


def cxo_band(share: float) -> str:
    """Band of an event by its share of CTO/CEO attendees."""
    if share >= 0.5:
        return BANDS[2]
    if share >= 0.2:
        return BANDS[1]
    return BANDS[0]


def rates_by_band(events: pd.DataFrame, leads: pd.DataFrame) -> pd.DataFrame:
    """Historical rates per CxO band: leads per attendee, close rate, cost per won deal."""
    pm = event_postmortem(events, leads)
    pm["band"] = pm["share_cxo"].map(cxo_band)
    g = pm.groupby("band").agg(events=("cost_cny", "size"), attendees=("attendee_count", "sum"),
                               leads=("leads", "sum"), won=("won", "sum"), cost_cny=("cost_cny", "sum"))
    g["leads_per_attendee"] = g["leads"] / g["attendees"]
    g["close_rate"] = g["won"] / g["leads"]
    g["cost_per_won_cny"] = g["cost_cny"] / g["won"].where(g["won"] > 0)
    return g.reindex([b for b in BANDS if b in g.index])


def forecast(attendees: int, share_cxo: float, cost_cny: float, rates: pd.DataFrame) -> dict:
    """Expected leads, won deals and cost per won deal for a planned event."""
    band = cxo_band(share_cxo)
    r = rates.loc[band]
    leads = attendees * float(r["leads_per_attendee"])
    won = leads * float(r["close_rate"])
    return {
        "band": band,
        "expected_leads": round(leads, 1),
        "expected_won": round(won, 2),
        "cost_per_won_cny": round(cost_cny / won) if won > 0 else float("inf"),
        "historical_cost_per_won_cny": round(float(r["cost_per_won_cny"])),
    }


def go_no_go(share_cxo: float, fc: dict) -> tuple[str, str]:
    """Verdict and reason. Audience fit first (The Two Hands of ToB Operations), then cost
    per won deal against the band's history [course synthesis]."""
    if share_cxo < 0.2:
        return "NO-GO", t("The audience is mostly not your decision-makers: don't go, however big "
                          "the event is.",
                          "到场的人大多不是你的决策人：会再大也别去。")
    if fc["cost_per_won_cny"] > 2 * fc["historical_cost_per_won_cny"]:
        return "RETHINK", t("The audience fits, but the cost per won deal is more than twice the "
                            "history of similar events: cut the cost or raise the CxO share.",
                            "听众对路，但每单成本超过同类活动历史水平的两倍：压低费用，或者提高 CxO 占比。")
    return "GO", t("The decision-makers are in the room: worth a big effort, however small the "
                   "event is.",
                   "决策人就在现场：会再小也值得全力准备。")


VERDICT_ZH = {"GO": "去（GO）", "RETHINK": "再想想（RETHINK）", "NO-GO": "不去（NO-GO）"}


ATTEND_CHECKLIST: tuple[str, ...] = (
    "1. Research the conference (会议调研): industry background; are attendees potential clients, "
    "and of what quality?",
    "2. Prepare (会议准备): site visit (踩点), who attends for us, booth set-up (布展); if we speak: "
    "speaker's slot and slide check; run the event checklist through completely.",
    "3. Post-mortem (会后复盘): cost and return, clients reached, client-level mix, follow-ups, "
    "close rate; what fell short and how to improve.",
)
HOST_CHECKLIST: tuple[str, ...] = (
    "1. Set the theme (确定主题): it fixes the audience and the execution.",
    "2. Invite people (邀请人员): sync the attendee list EVERY DAY (too many or too few makes the "
    "meeting uncontrollable and input and output out of proportion).",
    "3. Break down the tasks (分解任务): split the theme into sessions and name owners: who runs "
    "the whole meeting; who does the warm-up (预热); who sets up the venue; who writes the "
    "articles; who receives guests; ...",
    "4. Prepare (会议准备): site visit, who attends, set-up, speaker slots and slides, checklist.",
    "5. Post-mortem (会后复盘): cost and return, clients reached, client-level mix, follow-ups, "
    "close rate; shortcomings and improvements.",
)


ATTEND_CHECKLIST_ZH: tuple[str, ...] = (
    "1. 会议调研：看清会议的行业背景，到场的人是不是潜在客户、层次高不高。",
    "2. 会议准备：踩点、定好我方参会人员、布展；我方有人演讲的，要排好演讲时段、检查演讲 PPT；"
    "照着活动 checklist 一项项做完。",
    "3. 会后复盘：费用和收益、触达客户数、客户级别分布、后续跟进次数、成单率；哪里没做好、下次怎么改。",
)
HOST_CHECKLIST_ZH: tuple[str, ...] = (
    "1. 确定主题：主题一定，听众和执行方式也就跟着定了。",
    "2. 邀请人员：参会名单必须每天同步（人太多或太少，会场会失控，投入和产出也会失衡）。",
    "3. 分解任务：把主题拆成若干环节并指定负责人：谁统筹整场会议；谁做会前预热；谁布置场地；"
    "谁写稿件；谁接待嘉宾；……",
    "4. 会议准备：踩点、参会人员、布展、演讲时段和 PPT、checklist。",
    "5. 会后复盘：费用和收益、触达客户数、客户级别分布、后续跟进次数、成单率；不足和改进。",
)


def checklist(mode: str) -> tuple[str, ...]:
    """The 3 attending items or the full 5-item hosting checklist (in the edition's language)."""
    zh = current() == "zh"
    if mode == "attend":
        return ATTEND_CHECKLIST_ZH if zh else ATTEND_CHECKLIST
    if mode == "host":
        return HOST_CHECKLIST_ZH if zh else HOST_CHECKLIST
    raise ValueError("mode must be 'attend' or 'host'")


def go_no_go_widget(events: pd.DataFrame, leads: pd.DataFrame):
    """Sliders for attendees, CxO share and cost, an attend/host toggle; verdict + checklist."""
    import ipywidgets as w

    rates = rates_by_band(events, leads)
    attendees = w.IntSlider(value=300, min=15, max=5000, step=5, description=t("Attendees", "参会人数"),
                            continuous_update=False)
    share = w.FloatSlider(value=0.3, min=0.0, max=0.9, step=0.05, description=t("CxO share", "CxO 占比"),
                          continuous_update=False, readout_format=".0%")
    cost = w.IntSlider(value=80_000, min=5_000, max=600_000, step=5_000, description=t("Cost (CNY)", "费用（元）"),
                       continuous_update=False)
    mode = w.ToggleButtons(options=[(t("Attend (参会)", "参会"), "attend"), (t("Host (办会)", "办会"), "host")],
                           value="attend")
    out = w.HTML()

    def render(*_):
        fc = forecast(attendees.value, share.value, cost.value, rates)
        verdict, why = go_no_go(share.value, fc)
        colour = {"GO": "#1a7f37", "RETHINK": "#b35900", "NO-GO": "#b00020"}[verdict]
        items = "".join(f"<li>{html.escape(i)}</li>" for i in checklist(mode.value))
        band = html.escape(band_label(fc["band"]))
        head = t(f"<b>{band}</b>: expected leads {fc['expected_leads']}, "
                 f"expected won deals {fc['expected_won']}, cost per won deal "
                 f"{fc['cost_per_won_cny']:,} CNY (history for this band: "
                 f"{fc['historical_cost_per_won_cny']:,} CNY)",
                 f"<b>{band}</b>：预计线索 {fc['expected_leads']} 条，预计成单 {fc['expected_won']} 单，"
                 f"每单成本 {fc['cost_per_won_cny']:,} 元（这一档的历史水平："
                 f"{fc['historical_cost_per_won_cny']:,} 元）")
        which = (t("hosting, 5 items", "办会，5 项") if mode.value == "host" else
                 t("attending, 3 items", "参会，3 项"))
        out.value = (
            f"{head}<br>"
            f'<b style="color:{colour}">{t(verdict, VERDICT_ZH[verdict])}</b>{t(": ", "：")}{html.escape(why)}'
            f"<br><b>{t(f'Checklist ({which}):', f'执行清单（{which}）：')}</b>"
            f"<ol style='list-style:none'>{items}</ol>")

    for wdg in (attendees, share, cost, mode):
        wdg.observe(render, names="value")
    render()
    ui = w.VBox([attendees, share, cost, mode, out])
    ui._tobops = {"attendees": attendees, "share": share, "cost": cost, "mode": mode, "out": out}
    return ui


# --------------------------------------------------------------------------------------
# Monthly content-operations report (D6)
# --------------------------------------------------------------------------------------
def monthly_content_report(content: pd.DataFrame, month: str) -> pd.DataFrame:
    """One row per content type (all 7) for ``month`` ("YYYY-MM"): pieces, PV, UV, media
    reposts, exposure, the month's Baidu Index, and a 'shortcomings' column. It names the
    pieces in the bottom quartile of UV for the month, and flags types with nothing
    published, so the report shows the weak spots as well as the strengths."""
    c = content.assign(month=pd.to_datetime(content["publish_date"]).dt.strftime("%Y-%m"))
    m = c[c["month"] == month]
    if m.empty:
        raise ValueError(f"no content published in {month}")
    cut = m["uv"].quantile(0.25)
    weak = m[m["uv"] <= cut]
    rep = m.groupby("content_type").agg(
        pieces=("content_id", "size"), pv=("pv", "sum"), uv=("uv", "sum"),
        media_reposts=("media_reposts", "sum"), exposure=("exposure", "sum"),
    )
    rep = rep.reindex(list(CONTENT_TYPES), fill_value=0)
    rep.index.name = "content_type"
    rep["baidu_index"] = int(round(m["baidu_index"].mean()))
    short = weak.groupby("content_type")["content_id"].apply(lambda s: ", ".join(sorted(s)))
    notes = []
    for ctype in rep.index:
        if rep.loc[ctype, "pieces"] == 0:
            notes.append(t("nothing published", "本月没有发布"))
        elif ctype in short.index:
            notes.append(t("low UV: ", "UV 偏低：") + short[ctype])
        else:
            notes.append("")
    rep["shortcomings"] = notes
    return rep


# --------------------------------------------------------------------------------------
# Partnership matcher
# --------------------------------------------------------------------------------------
PARTNERSHIP_TYPES: tuple[str, ...] = (
    "Build an ecosystem (建立生态)",
    "Project cooperation (项目合作)",
    "Attach to a third-party platform (挂靠第三方平台)",
)
PARTNERSHIP_TYPES_ZH: tuple[str, ...] = ("建立生态", "项目合作", "挂靠第三方平台")

PARTNERSHIP_SCENARIOS: tuple[dict, ...] = (
    {"text": "A cloud giant packages its face-recognition capability as an SDK; the main app makers "
             "in retail and finance build it into their apps.",
     "answer": 0,
     "why": "Turning capability into an SDK/API that major players adopt is building an ecosystem; "
            "it needs giant-scale resources and others willing to play with you.",
     "text_zh": "一家云计算巨头把自己的人脸识别能力打包成 SDK，零售和金融行业的主要 App 厂商纷纷把它集成进自己的 App。",
     "why_zh": "把能力做成 SDK/API，让行业主要玩家都用上，这就是建立生态；它需要巨头级别的资源，"
               "还要别人愿意跟你一起玩。"},
    {"text": "You list your security-detection API on a big cloud platform's marketplace so that some "
             "of the platform's users become your users.",
     "answer": 2,
     "why": "Hanging your product on a large platform for its traffic is attaching to a third-party "
            "platform (the article's own example).",
     "text_zh": "你把自家的安全检测 API 上架到一家大型云平台的应用市场，平台上的一部分用户由此变成了你的用户。",
     "why_zh": "把产品挂到大平台上、借它的流量，就是挂靠第三方平台（文章自己举的正是这个例子）。"},
    {"text": "You and a connected-car maker each put in engineers and budget to run a joint security "
             "operations centre for a year; they get protection, you get a flagship case.",
     "answer": 1,
     "why": "Both sides contribute resources, operate jointly and each takes what it needs: project "
            "cooperation, the most common type.",
     "text_zh": "你和一家车联网厂商各出工程师和预算，合作运营一个安全运营中心，为期一年；对方得到防护，你得到一个标杆案例。",
     "why_zh": "双方都投入资源、一起运营、各取所需：这是项目合作，也是最常见的一类。"},
    {"text": "A game studio and your company co-host an anti-cheating campaign: they supply players "
             "and data, you supply detection, and both publish the results.",
     "answer": 1,
     "why": "A joint project with resources from both sides is project cooperation.",
     "text_zh": "一家游戏公司和你们联合举办一次反外挂行动：对方提供玩家和数据，你们提供检测能力，结果由双方共同发布。",
     "why_zh": "双方各出资源做一个共同的项目，属于项目合作。"},
    {"text": "The leading payment company of its vertical opens its risk-control capability as an "
             "API; within two years most large online shops call it, and rivals must stay compatible.",
     "answer": 0,
     "why": "An ace of a vertical field turned its capability into an API that the main players use, "
            "so everyone is more or less influenced by it: building an ecosystem.",
     "text_zh": "某垂直领域排名第一的支付公司把风控能力开放成 API；两年内大部分大型网店都接入了它，竞争对手也只能跟着兼容。",
     "why_zh": "垂直领域的王牌把能力做成 API，主要玩家都在用，人人都多少受它影响：这就是建立生态。"},
)


def check_partnership(scenario: int, choice: int | None) -> tuple[bool, str]:
    """Feedback for a 0-based partnership-type choice on a scenario."""
    if choice is None:
        return False, t("Pick a partnership type first.", "请先选一种合作类型。")
    s = PARTNERSHIP_SCENARIOS[scenario]
    if choice == s["answer"]:
        return True, t("Right. ", "答对了。") + t(s["why"], s["why_zh"])
    return False, t(f"Not quite: this is not '{PARTNERSHIP_TYPES[choice]}'. Ask who brings the "
                    "resources and who gets the traffic or users.",
                    f"不太对：这不是“{PARTNERSHIP_TYPES_ZH[choice]}”。想一想：资源是谁出的，流量或用户又归了谁？")


def partnership_matcher():
    """Dropdown of scenarios; the learner picks one of the 3 types and gets feedback."""
    import ipywidgets as w

    scen = w.Dropdown(options=[(t(f"Scenario {i + 1}", f"情景 {i + 1}"), i) for i in range(len(PARTNERSHIP_SCENARIOS))],
                      value=0, description=t("Scenario", "情景"))
    text = w.HTML()
    # labels in the edition's language; the values stay the English type names
    pick = w.RadioButtons(options=[(t(en, zh), en) for en, zh in zip(PARTNERSHIP_TYPES, PARTNERSHIP_TYPES_ZH)],
                          value=None, layout={"width": "max-content"})
    button = w.Button(description=t("Check", "检查"), button_style="primary")
    out = w.HTML()

    def show(*_):
        s = PARTNERSHIP_SCENARIOS[scen.value]
        text.value = f"<p>{html.escape(t(s['text'], s['text_zh']))}</p>"
        pick.value = None
        out.value = ""

    def on_check(_):
        choice = None if pick.value is None else PARTNERSHIP_TYPES.index(pick.value)
        ok, msg = check_partnership(scen.value, choice)
        colour = "#1a7f37" if ok else "#b35900"
        out.value = f'<div style="color:{colour}">{"✔" if ok else "✘"} {html.escape(msg)}</div>'

    scen.observe(show, names="value")
    button.on_click(on_check)
    show()
    ui = w.VBox([scen, text, pick, button, out])
    ui._tobops = {"scenario": scen, "pick": pick, "button": button, "out": out}
    return ui
