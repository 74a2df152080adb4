"""Lesson 06 (The sales-operations arm): train-then-assess and visit-preparation helpers.

Texts a trainee sees go through :func:`tobops.content.lang.t`, so the widgets follow the
edition that ``setup()`` chose; keys and values (columns, ids, choices) are the same in both.

Plain functions (testable without a browser):

* Training (D10 ``training_assessments``): :func:`unassessed_share`,
  :func:`format_summary`, :func:`cost_per_trained_rep`, :func:`win_rate_by_pass`.
* Client visits (D11 ``client_visits``): :data:`CHECKLIST`, :func:`checklist_score`,
  :func:`advance_rate_by_score`, :func:`item_skip_rates`.
* Stakeholders (D2 ``deal_stakeholders``): :func:`visit_actions_by_title`,
  :func:`communication_strategy`.
* The visit cockpit: :func:`checklist_warnings`, :func:`minutes_template`,
  :func:`cockpit_report`; the post-training quiz: :data:`PRODUCT_CARD`,
  :data:`TRAINING_QUIZ`, :func:`score_training_quiz`.
* Task 7: :data:`MOBILISATION`.

Widgets: :func:`visit_cockpit` and :func:`training_quiz` wire them into ipywidgets.
"""
from __future__ import annotations

import html

import pandas as pd

from tobops.content.lang import t

#: the widget builders a lesson displays (what tobops.content.timing counts as widgets)
WIDGETS = ('visit_cockpit', 'training_quiz')

# --------------------------------------------------------------------------------------
# The eight tasks (The Two Hands of ToB Operations) with one deliverable each [course
# synthesis for the deliverable column].
# --------------------------------------------------------------------------------------
TASKS: tuple[tuple[str, str], ...] = (
    ("Understand the product (弄懂产品)", "a one- or two-sentence essence for every product"),
    ("Understand the business (弄懂业务)", "a resource/process map of your side and a business-process sketch of the client's"),
    ("Organise the materials (整理资料)", "website, 双微 posts, product PPT, brochure, case book"),
    ("Pre-sales support (售前支持)", "a pre-visit brief: analysis, proposal, materials"),
    ("Sales training (销售培训)", "a training session plus its assessment scores"),
    ("Client visits (客户拜访)", "the 6-item visit record and the meeting minutes"),
    ("Resource mobilisation (资源调动)", "a named owner and plan for landing the project"),
    ("Turn experience into process (形成流程)", "a written process, routine or project archive"),
)

# --------------------------------------------------------------------------------------
# Task 5: sales training (D10)
# --------------------------------------------------------------------------------------
TRAINER_RATE_CNY = 600   # course assumption: loaded cost of one trainer hour, CNY


def unassessed_share(training: pd.DataFrame) -> float:
    """Share (0-1) of training rows that were never assessed (breaks the 考核 rule)."""
    return float((~training["assessed"].astype(bool)).mean())


def format_summary(training: pd.DataFrame) -> pd.DataFrame:
    """Per training format: rows, mean quiz score and hands-on pass rate (assessed rows only)."""
    done = training[training["assessed"].astype(bool)]
    out = done.groupby("format").agg(
        rows=("rep_id", "size"),
        mean_quiz_score=("quiz_score", "mean"),
        hands_on_pass_rate=("hands_on_pass", "mean"),
    )
    return out.round({"mean_quiz_score": 1, "hands_on_pass_rate": 3})


def cost_per_trained_rep(training: pd.DataFrame, trainer_rate_cny: float = TRAINER_RATE_CNY) -> pd.DataFrame:
    """Money and time it takes to train one rep, by format.

    Money: each session costs ``trainer_hours * trainer_rate_cny + production_cost_cny``
    once (a video is produced once and its cost is amortised over everyone who watches
    it); the session cost is divided by the number of reps who took that session.
    Time: the rep's own hours in the session (``duration_min``) plus the trainer hours
    spread over the reps in the room.
    """
    per_session = training.groupby(["format", "session_id"]).agg(
        reps=("rep_id", "nunique"),
        trainer_hours=("trainer_hours", "first"),
        production_cost_cny=("production_cost_cny", "first"),
        rep_hours=("duration_min", lambda m: m.sum() / 60),
    )
    per_session["session_cost_cny"] = (
        per_session["trainer_hours"] * trainer_rate_cny + per_session["production_cost_cny"]
    )
    out = per_session.groupby("format").agg(
        sessions=("reps", "size"),
        reps_trained=("reps", "sum"),
        total_cost_cny=("session_cost_cny", "sum"),
        trainer_hours=("trainer_hours", "sum"),
        rep_hours=("rep_hours", "sum"),
    )
    out["cost_per_trained_rep_cny"] = (out["total_cost_cny"] / out["reps_trained"]).round(0)
    out["hours_per_trained_rep"] = ((out["trainer_hours"] + out["rep_hours"]) / out["reps_trained"]).round(2)
    return out


def win_rate_by_pass(training: pd.DataFrame) -> pd.Series:
    """Win rate in the 90 days after training (sum of wins / sum of opportunities),
    for rows that passed vs. failed the hands-on check (assessed rows only)."""
    done = training[training["assessed"].astype(bool)]
    g = done.groupby("hands_on_pass")[["wins_next_90d", "opps_next_90d"]].sum()
    return (g["wins_next_90d"] / g["opps_next_90d"]).rename("win_rate_90d")


# --------------------------------------------------------------------------------------
# Task 6: client visits (D11)
# --------------------------------------------------------------------------------------
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("real_need_confirmed", "1. Analyse the business scenario and confirm the real need"),
    ("progress_checked", "2. Learn the project's current progress"),
    ("roles_mapped", "3. Know the project's roles"),
    ("intro_demo_or_negotiation_done", "4. Product intro / training / demo / negotiation, by stage and role"),
    ("feedback_recorded", "5. Receive and record the client's product feedback"),
    ("next_steps_and_minutes_sent", "6. Confirm next steps and send the meeting minutes (会议纪要)"),
)
CHECKLIST_COLUMNS = tuple(c for c, _ in CHECKLIST)
CHECKLIST_ZH: dict[str, str] = {
    "real_need_confirmed": "1. 分析客户的业务场景，判断真实需求",
    "progress_checked": "2. 摸清项目眼下的进展",
    "roles_mapped": "3. 弄清项目里各个角色",
    "intro_demo_or_negotiation_done": "4. 按阶段和角色做产品介绍 / 培训 / 演示 / 商务谈判",
    "feedback_recorded": "5. 收下并记录客户对产品的反馈",
    "next_steps_and_minutes_sent": "6. 确认下一步，发出会议纪要",
}


def checklist_label(col: str) -> str:
    """A checklist item's label in the current edition's language."""
    return t(dict(CHECKLIST)[col], CHECKLIST_ZH[col])


def checklist_score(visits: pd.DataFrame) -> pd.Series:
    """Number of the 6 checklist items done on each visit (0-6)."""
    return visits[list(CHECKLIST_COLUMNS)].astype(bool).sum(axis=1).rename("checklist_score")


def advance_rate_by_score(visits: pd.DataFrame) -> pd.DataFrame:
    """Visits and share followed by a stage advance within 30 days, per checklist score."""
    df = visits.assign(score=checklist_score(visits))
    out = df.groupby("score").agg(visits=("visit_id", "size"), advance_rate=("advanced", "mean"))
    return out.reindex(range(0, 7)).dropna(how="all").astype({"visits": int})


def item_skip_rates(visits: pd.DataFrame) -> pd.Series:
    """Share of visits on which each checklist item was skipped, most-skipped first."""
    skipped = 1 - visits[list(CHECKLIST_COLUMNS)].astype(bool).mean()
    return skipped.sort_values(ascending=False).rename("skip_rate")


# --------------------------------------------------------------------------------------
# Communication strategy (task 4, step 02) and D2
# --------------------------------------------------------------------------------------
SOURCE_TAG = ("The Two Hands of ToB Operations", "《ToB运营的两只手》")
SYNTHESIS_TAG = ("[course synthesis]", "【课程补充】")

STRATEGY_BY_TITLE: dict[str, tuple[str, str, bool]] = {
    # title: (recommended visit_action, why, from the source?)
    "CEO": ("interests_discussion", "State both sides' interests directly.", True),
    "frontline_user": ("product_training", "A product training suits front-line users best.", True),
    "CTO": ("demo", "Show the product working: architecture, key technical advantages.", False),
    "IT_manager": ("demo", "Demo and implementation detail: how it fits their IT architecture.", False),
    "dept_head": ("demo", "Demo against their business scenario and process.", False),
    "CFO": ("negotiation", "Commercial terms: price, payment, the save-or-make-money case.", False),
    "procurement": ("negotiation", "Commercial terms and the contract process.", False),
}
STRATEGY_ZH: dict[str, str] = {
    "CEO": "直接讲清双方各自的利益。",
    "frontline_user": "对一线使用人员，做一场产品培训最合适。",
    "CTO": "让产品跑起来给他看：架构和关键技术优势。",
    "IT_manager": "演示加实施细节：怎样接入他们现有的 IT 架构。",
    "dept_head": "对着他们的业务场景和流程做演示。",
    "CFO": "谈商务条款，包括价格、付款方式，以及帮客户省钱或挣钱的那笔账。",
    "procurement": "谈商务条款和签合同的流程。",
}
#: what each visit_action means, for the Chinese edition
ACTION_ZH: dict[str, str] = {
    "interests_discussion": "谈双方利益",
    "product_training": "产品培训",
    "demo": "产品演示",
    "negotiation": "商务谈判",
}
#: the person titles of D2, for the Chinese edition
TITLE_ZH: dict[str, str] = {
    "CEO": "CEO", "CTO": "CTO", "CFO": "CFO", "IT_manager": "IT 经理", "dept_head": "部门负责人",
    "frontline_user": "一线使用人员", "procurement": "采购",
}


def title_label(title: str) -> str:
    """An attendee title as the trainee reads it (the data value, and its Chinese in zh)."""
    zh = TITLE_ZH.get(title)
    return t(title, f"{zh}（{title}）" if zh and zh != title else title)


def communication_strategy(title: str) -> str:
    """Recommended approach for an attendee title, marked when it is course synthesis."""
    action, why, sourced = STRATEGY_BY_TITLE.get(title, ("demo", "Ask what they need first.", False))
    tag = t(*(SOURCE_TAG if sourced else SYNTHESIS_TAG))
    if title in STRATEGY_BY_TITLE:
        why_zh = STRATEGY_ZH[title]
    else:
        why_zh = "先问清对方需要什么。"
    return t(f"{action}: {why} ({tag})", f"{ACTION_ZH.get(action, action)}（{action}）：{why_zh}（{tag}）")


def visit_actions_by_title(stakeholders: pd.DataFrame, titles=("CEO", "frontline_user")) -> pd.DataFrame:
    """Share of each visit_action among met stakeholders, one row per person_title."""
    met = stakeholders[stakeholders["met"].astype(bool) & stakeholders["person_title"].isin(list(titles))]
    tab = pd.crosstab(met["person_title"], met["visit_action"], normalize="index")
    return tab.reindex(list(titles)).round(3)


# --------------------------------------------------------------------------------------
# Visit cockpit logic
# --------------------------------------------------------------------------------------
COMMERCIAL_CHOICES: dict[str, tuple[str, str]] = {
    "channel": ("Direct sale", "BD partnership"),
    "price": ("Paid", "Free"),
    "goal": ("Reputation (图名)", "Profit (图利)"),
}
CHOICE_ZH: dict[str, str] = {
    "Direct sale": "直销", "BD partnership": "BD 合作", "Paid": "收费", "Free": "免费",
    "Reputation (图名)": "图名", "Profit (图利)": "图利",
}


def choice_label(value: str) -> str:
    """A commercial-strategy choice as shown in the current edition ("?" when unset)."""
    return t(value, CHOICE_ZH.get(value, value))


def checklist_warnings(ticks: dict[str, bool]) -> list[str]:
    """Warnings for unticked checklist items; item 6 gets the loudest one."""
    out = []
    if not ticks.get("next_steps_and_minutes_sent", False):
        out.append(t("WARNING: item 6 is open. Confirm next steps and send the minutes "
                     "today: it is the item most often skipped.",
                     "警告：第 6 项还没做。今天就确认下一步并发出会议纪要，这是最常被漏掉的一项。"))
    for col, _ in CHECKLIST[:-1]:
        if not ticks.get(col, False):
            out.append(t("Open: ", "未完成：") + checklist_label(col))
    return out


def minutes_template(deal: pd.Series, attendees: pd.DataFrame, ticks: dict[str, bool],
                     strategy: dict[str, str], attendee_title: str) -> str:
    """A plain-text meeting-minutes (会议纪要) template for one visit."""
    lines = [
        t(f"MEETING MINUTES  deal {deal['deal_id']}  {deal['account_name']}",
          f"会议纪要  商机 {deal['deal_id']}  {deal['account_name']}"),
        t(f"Industry: {deal['industry']}  |  stage: {deal['stage']}  |  model: {deal['deal_model']}",
          f"行业：{deal['industry']}  |  阶段：{deal['stage']}  |  模式：{deal['deal_model']}"),
        t("Commercial strategy: ", "商业策略：") + " / ".join(choice_label(strategy.get(k, "?"))
                                                           for k in COMMERCIAL_CHOICES),
        t(f"Main attendee: {attendee_title}  ->  ", f"主要参会人：{title_label(attendee_title)}  ->  ")
        + communication_strategy(attendee_title),
        t("Client-side stakeholders (干系人):", "客户方干系人："),
    ]
    for _, r in attendees.iterrows():
        lines.append(t(f"  - {r['purchase_role']}: {r['person_title']}  (met: {bool(r['met'])})",
                       f"  - {r['purchase_role']}：{title_label(r['person_title'])}"
                       f"（{'已见过' if bool(r['met']) else '未见过'}）"))
    lines.append("")
    for col, _ in CHECKLIST:
        box = "[x]" if ticks.get(col, False) else "[ ]"
        lines.append(f"{box} {checklist_label(col)}")
        lines.append(t("      notes: ______________________________", "      备注：______________________________"))
    lines += [
        "",
        t("Next steps (owner, date): ______________________________",
          "下一步（负责人、日期）：______________________________"),
        t("Open issues / delivery / plan changes: __________________",
          "待解决问题 / 交付 / 方案调整：__________________"),
        t("Minutes sent to: __________________  on: ____-__-__",
          "纪要发送给：__________________  日期：____-__-__"),
    ]
    return "\n".join(lines)


def cockpit_report(deals: pd.DataFrame, stakeholders: pd.DataFrame, deal_id: str,
                   ticks: dict[str, bool], strategy: dict[str, str], attendee_title: str) -> dict:
    """Everything the cockpit shows for one deal, as plain data."""
    deal = deals.loc[deals["deal_id"] == deal_id].iloc[0]
    attendees = stakeholders[stakeholders["deal_id"] == deal_id]
    return {
        "deal": deal,
        "stakeholders": attendees,
        "score": sum(bool(ticks.get(c, False)) for c in CHECKLIST_COLUMNS),
        "recommendation": communication_strategy(attendee_title),
        "warnings": checklist_warnings(ticks),
        "minutes": minutes_template(deal, attendees, ticks, strategy, attendee_title),
    }


def visit_cockpit(deals: pd.DataFrame, stakeholders: pd.DataFrame, max_deals: int = 40):
    """Dropdown of open deals with stakeholders; checklist, strategy toggles, minutes."""
    import ipywidgets as w

    have = set(stakeholders["deal_id"])
    open_deals = deals[~deals["stage"].isin(["won", "lost"]) & deals["deal_id"].isin(have)]
    open_deals = open_deals.sort_values("deal_id").head(max_deals)
    options = [(f"{r.deal_id} - {r.account_name} ({r.stage})", r.deal_id) for r in open_deals.itertuples()]

    deal_dd = w.Dropdown(options=options, description=t("Deal", "商机"), layout={"width": "420px"})
    title_dd = w.Dropdown(description=t("Meeting", "拜访对象"), layout={"width": "300px"})
    toggles = {k: w.ToggleButtons(options=[(choice_label(c), c) for c in v], value=v[0])
               for k, v in COMMERCIAL_CHOICES.items()}
    boxes = {c: w.Checkbox(value=False, description=checklist_label(c), indent=False, layout={"width": "560px"})
             for c, _ in CHECKLIST}
    info = w.HTML()
    out = w.HTML()

    def refresh_titles(*_):
        titles = sorted(stakeholders.loc[stakeholders["deal_id"] == deal_dd.value, "person_title"].unique())
        title_dd.options = [(title_label(x), x) for x in titles]
        if titles:
            title_dd.value = titles[0]

    def render(*_):
        if deal_dd.value is None or title_dd.value is None:
            return
        rep = cockpit_report(deals, stakeholders, deal_dd.value,
                             {c: b.value for c, b in boxes.items()},
                             {k: tb.value for k, tb in toggles.items()}, title_dd.value)
        table = rep["stakeholders"][["purchase_role", "person_title", "met", "visit_action"]]
        info.value = (f"<b>{html.escape(str(rep['deal']['account_name']))}</b>{t(', stage ', '，阶段 ')}"
                      f"<b>{html.escape(str(rep['deal']['stage']))}</b><br>"
                      + table.to_html(index=False))
        loud = not boxes["next_steps_and_minutes_sent"].value   # the first warning is about item 6
        warn = "".join(
            f'<div style="color:{"#b00020" if loud and i == 0 else "#b35900"}">{html.escape(m)}</div>'
            for i, m in enumerate(rep["warnings"]))
        out.value = (f"<b>{t('Checklist score: ', '清单得分：')}{rep['score']}/6</b><br>"
                     f"<b>{t('Communication strategy:', '沟通策略：')}</b> {html.escape(rep['recommendation'])}"
                     f"<br>{warn}<pre>{html.escape(rep['minutes'])}</pre>")

    deal_dd.observe(lambda ch: (refresh_titles(), render()), names="value")
    title_dd.observe(render, names="value")
    for wdg in [*toggles.values(), *boxes.values()]:
        wdg.observe(render, names="value")
    refresh_titles()
    render()

    strategy_box = w.VBox([w.HTML(t("<b>Commercial strategy (商业策略)</b>", "<b>商业策略</b>")), *toggles.values()])
    check_box = w.VBox([w.HTML(t("<b>The 6 things this visit must do</b>", "<b>这次拜访必须做到的 6 件事</b>")),
                        *boxes.values()])
    ui = w.VBox([w.HBox([deal_dd, title_dd]), info, strategy_box, check_box, out])
    ui._tobops = {"deal": deal_dd, "title": title_dd, "toggles": toggles, "boxes": boxes, "out": out}
    return ui


# --------------------------------------------------------------------------------------
# Post-training quiz (models the mandatory 考核 after every training session)
# --------------------------------------------------------------------------------------
PRODUCT_CARD = """\
Security-detection API (training module S04; the details are invented for this drill)
Essence: an API that checks a client's web and app requests for attacks and returns a
risk verdict in under 50 ms, so the client can block fraud and attacks before they land.
Highlights: (1) no customisation: the client calls the API and pays per million calls;
(2) rules are updated daily by our security team; (3) a free 30-day trial for new clients.
Talk tracks: to a CTO, show the architecture and latency; to a front-line user, train them on
the console; to a CEO, talk about losses avoided and what both sides gain.
Typical clients: gaming (account theft, cheating) and connected-car (remote-control attacks).
"""
PRODUCT_CARD_ZH = """\
安全检测 API（培训模块 S04；细节为本次演练虚构）
一句话本质：一个 API，检查客户网站和 App 收到的请求里有没有攻击，50 毫秒内给出风险判定，
让客户在欺诈和攻击得手之前就把它拦下。
亮点：（1）无需定制：客户直接调用 API，按每百万次调用付费；
（2）规则由我们的安全团队每天更新；（3）新客户可免费试用 30 天。
话术：对 CTO，讲架构和响应速度；对一线使用人员，培训他们用控制台；对 CEO，讲能避免多少损失、双方各得到什么。
典型客户：游戏行业（盗号、外挂）和车联网（远程操控攻击）。
"""

TRAINING_QUIZ: tuple[dict, ...] = (
    {"q": "In one sentence, what does the security-detection API do?",
     "options": ["Stores the client's logs for audits",
                 "Checks web and app requests for attacks and returns a risk verdict fast",
                 "Trains the client's staff in security",
                 "Replaces the client's firewall hardware"],
     "answer": 1,
     "q_zh": "用一句话说，安全检测 API 是做什么的？",
     "options_zh": ["替客户保存日志，供审计使用",
                    "检查网站和 App 的请求有没有攻击，并快速给出风险判定",
                    "给客户员工做安全培训",
                    "替换客户的防火墙硬件"]},
    {"q": "How is the API priced?",
     "options": ["Per seat per month", "One-off licence", "Per million API calls", "Free forever"],
     "answer": 2,
     "q_zh": "这个 API 怎么收费？",
     "options_zh": ["按账号每月收费", "一次性买断授权", "按每百万次调用收费", "永久免费"]},
    {"q": "You meet the client's CEO. What do you lead with?",
     "options": ["A console training", "Latency benchmarks", "Losses avoided and what both sides gain",
                 "The API documentation"],
     "answer": 2,
     "q_zh": "你要见客户的 CEO，开场先讲什么？",
     "options_zh": ["控制台操作培训", "响应速度的测试数据", "能避免多少损失、双方各得到什么", "API 接口文档"]},
    {"q": "A client wants the API unchanged, just calling the API. What does landing the deal take?",
     "options": ["A joint project team", "Agree the price, then sign the agreement",
                 "A PR campaign", "A custom build"],
     "answer": 1,
     "q_zh": "客户不要任何改动，只想直接调用 API。要让这单落地，需要做什么？",
     "options_zh": ["组建双方联合项目组", "谈妥价格，然后签协议", "做一轮 PR 宣传", "做定制开发"]},
    {"q": "Which threat would you raise first with a connected-car client?",
     "options": ["Cheating in ranked matches", "Remote-control attacks on vehicles",
                 "Fake product reviews", "Slow page loads"],
     "answer": 1,
     "q_zh": "面对车联网客户，你会先谈哪种威胁？",
     "options_zh": ["排位赛里的外挂作弊", "针对车辆的远程操控攻击", "虚假的商品评价", "网页加载太慢"]},
)
PASS_MARK = 4   # of 5; passing unlocks the hands-on check (现场操作)


def score_training_quiz(answers: list[int | None]) -> tuple[int, bool, list[bool]]:
    """Score 0-based answers; return (score, passed, per-question correctness)."""
    right = [a is not None and a == q["answer"] for a, q in zip(answers, TRAINING_QUIZ)]
    right += [False] * (len(TRAINING_QUIZ) - len(right))
    score = sum(right)
    return score, score >= PASS_MARK, right


def training_quiz():
    """Five RadioButtons questions on the product card, auto-scored on Submit."""
    import ipywidgets as w

    card = w.HTML(f"<pre>{html.escape(t(PRODUCT_CARD, PRODUCT_CARD_ZH))}</pre>")
    # labels in the edition's language; the values stay the English options (what is scored)
    radios = [w.RadioButtons(options=[(t(o, oz), o) for o, oz in zip(q["options"], q["options_zh"])],
                             value=None, layout={"width": "max-content"})
              for q in TRAINING_QUIZ]
    items = []
    for i, (q, r) in enumerate(zip(TRAINING_QUIZ, radios), start=1):
        items += [w.HTML(f"<b>{t(f'Q{i}.', f'第 {i} 题')}</b> {html.escape(t(q['q'], q['q_zh']))}"), r]
    submit = w.Button(description=t("Submit", "提交"), button_style="primary")
    out = w.HTML()

    def on_submit(_):
        answers = [None if r.value is None else q["options"].index(r.value) for q, r in zip(TRAINING_QUIZ, radios)]
        score, passed, right = score_training_quiz(answers)
        marks = " ".join(f"Q{i}:{'✔' if ok else '✘'}" for i, ok in enumerate(right, start=1))
        verdict = (t("Passed: book the hands-on check (现场操作) next.", "通过：下一步预约现场操作考核。") if passed else
                   t(f"Not yet: {PASS_MARK}/5 needed. Re-read the product card and retake.",
                     f"还没通过：需要答对 {PASS_MARK}/5 题。重读产品卡片后再考一次。"))
        out.value = f"<b>{t(f'Score {score}/5.', f'得分 {score}/5。')}</b> {marks}<br>{verdict}"

    submit.on_click(on_submit)
    ui = w.VBox([card, *items, submit, out])
    ui._tobops = {"radios": radios, "submit": submit, "out": out}
    return ui


# --------------------------------------------------------------------------------------
# Task 7: resource mobilisation
# --------------------------------------------------------------------------------------
MOBILISATION: dict[str, str] = {
    "brand-level cooperation only": "PR plus content operations writing special features is enough.",
    "no customisation, the client only calls an API": "Agree the price, then sign the agreement.",
    "joint operation by both sides (联运)": "Define the split of work, name an owner for each part, form a project team.",
}
