"""Lesson 06 (The sales-operations arm): train-then-assess and visit-preparation helpers.

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

#: the widget builders a lesson displays (what tobops.content.timing counts as widgets)
WIDGETS = ('visit_cockpit', 'training_quiz')

# --------------------------------------------------------------------------------------
# The eight tasks (seed 003, part d) with one deliverable each [course synthesis for the
# deliverable column].
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


def communication_strategy(title: str) -> str:
    """Recommended approach for an attendee title, marked when it is course synthesis."""
    action, why, sourced = STRATEGY_BY_TITLE.get(title, ("demo", "Ask what they need first.", False))
    tag = "seed 003" if sourced else "[course synthesis]"
    return f"{action}: {why} ({tag})"


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


def checklist_warnings(ticks: dict[str, bool]) -> list[str]:
    """Warnings for unticked checklist items; item 6 gets the loudest one."""
    out = []
    if not ticks.get("next_steps_and_minutes_sent", False):
        out.append("WARNING: item 6 is open. Confirm next steps and send the minutes "
                   "today: it is the item most often skipped.")
    for col, label in CHECKLIST[:-1]:
        if not ticks.get(col, False):
            out.append(f"Open: {label}")
    return out


def minutes_template(deal: pd.Series, attendees: pd.DataFrame, ticks: dict[str, bool],
                     strategy: dict[str, str], attendee_title: str) -> str:
    """A plain-text meeting-minutes (会议纪要) template for one visit."""
    lines = [
        f"MEETING MINUTES  deal {deal['deal_id']}  {deal['account_name']}",
        f"Industry: {deal['industry']}  |  stage: {deal['stage']}  |  model: {deal['deal_model']}",
        "Commercial strategy: " + " / ".join(strategy.get(k, "?") for k in COMMERCIAL_CHOICES),
        f"Main attendee: {attendee_title}  ->  {communication_strategy(attendee_title)}",
        "Client-side stakeholders (干系人):",
    ]
    for _, r in attendees.iterrows():
        lines.append(f"  - {r['purchase_role']}: {r['person_title']}  (met: {bool(r['met'])})")
    lines.append("")
    for col, label in CHECKLIST:
        box = "[x]" if ticks.get(col, False) else "[ ]"
        lines.append(f"{box} {label}")
        lines.append("      notes: ______________________________")
    lines += [
        "",
        "Next steps (owner, date): ______________________________",
        "Open issues / delivery / plan changes: __________________",
        "Minutes sent to: __________________  on: ____-__-__",
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

    deal_dd = w.Dropdown(options=options, description="Deal", layout={"width": "420px"})
    title_dd = w.Dropdown(description="Meeting", layout={"width": "300px"})
    toggles = {k: w.ToggleButtons(options=list(v), value=v[0]) for k, v in COMMERCIAL_CHOICES.items()}
    boxes = {c: w.Checkbox(value=False, description=label, indent=False, layout={"width": "560px"})
             for c, label in CHECKLIST}
    info = w.HTML()
    out = w.HTML()

    def refresh_titles(*_):
        titles = sorted(stakeholders.loc[stakeholders["deal_id"] == deal_dd.value, "person_title"].unique())
        title_dd.options = titles
        if titles:
            title_dd.value = titles[0]

    def render(*_):
        if deal_dd.value is None or title_dd.value is None:
            return
        rep = cockpit_report(deals, stakeholders, deal_dd.value,
                             {c: b.value for c, b in boxes.items()},
                             {k: t.value for k, t in toggles.items()}, title_dd.value)
        table = rep["stakeholders"][["purchase_role", "person_title", "met", "visit_action"]]
        info.value = (f"<b>{html.escape(str(rep['deal']['account_name']))}</b>, stage "
                      f"<b>{html.escape(str(rep['deal']['stage']))}</b><br>"
                      + table.to_html(index=False))
        warn = "".join(
            f'<div style="color:{"#b00020" if m.startswith("WARNING") else "#b35900"}">{html.escape(m)}</div>'
            for m in rep["warnings"])
        out.value = (f"<b>Checklist score: {rep['score']}/6</b><br>"
                     f"<b>Communication strategy:</b> {html.escape(rep['recommendation'])}<br>{warn}"
                     f"<pre>{html.escape(rep['minutes'])}</pre>")

    deal_dd.observe(lambda ch: (refresh_titles(), render()), names="value")
    title_dd.observe(render, names="value")
    for wdg in [*toggles.values(), *boxes.values()]:
        wdg.observe(render, names="value")
    refresh_titles()
    render()

    strategy_box = w.VBox([w.HTML("<b>Commercial strategy (商业策略)</b>"), *toggles.values()])
    check_box = w.VBox([w.HTML("<b>The 6 things this visit must do</b>"), *boxes.values()])
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

TRAINING_QUIZ: tuple[dict, ...] = (
    {"q": "In one sentence, what does the security-detection API do?",
     "options": ["Stores the client's logs for audits",
                 "Checks web and app requests for attacks and returns a risk verdict fast",
                 "Trains the client's staff in security",
                 "Replaces the client's firewall hardware"],
     "answer": 1},
    {"q": "How is the API priced?",
     "options": ["Per seat per month", "One-off licence", "Per million API calls", "Free forever"],
     "answer": 2},
    {"q": "You meet the client's CEO. What do you lead with?",
     "options": ["A console training", "Latency benchmarks", "Losses avoided and what both sides gain",
                 "The API documentation"],
     "answer": 2},
    {"q": "A client wants the API unchanged, just calling the API. What does landing the deal take?",
     "options": ["A joint project team", "Agree the price, then sign the agreement",
                 "A PR campaign", "A custom build"],
     "answer": 1},
    {"q": "Which threat would you raise first with a connected-car client?",
     "options": ["Cheating in ranked matches", "Remote-control attacks on vehicles",
                 "Fake product reviews", "Slow page loads"],
     "answer": 1},
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

    card = w.HTML(f"<pre>{html.escape(PRODUCT_CARD)}</pre>")
    radios = [w.RadioButtons(options=q["options"], value=None, layout={"width": "max-content"})
              for q in TRAINING_QUIZ]
    items = []
    for i, (q, r) in enumerate(zip(TRAINING_QUIZ, radios), start=1):
        items += [w.HTML(f"<b>Q{i}.</b> {html.escape(q['q'])}"), r]
    submit = w.Button(description="Submit", button_style="primary")
    out = w.HTML()

    def on_submit(_):
        answers = [None if r.value is None else list(r.options).index(r.value) for r in radios]
        score, passed, right = score_training_quiz(answers)
        marks = " ".join(f"Q{i}:{'✔' if ok else '✘'}" for i, ok in enumerate(right, start=1))
        verdict = ("Passed: book the hands-on check (现场操作) next." if passed else
                   f"Not yet: {PASS_MARK}/5 needed. Re-read the product card and retake.")
        out.value = f"<b>Score {score}/5.</b> {marks}<br>{verdict}"

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
