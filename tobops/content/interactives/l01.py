"""Lesson 01 (What operations is): role explorer and retention helpers.

Plain functions (testable without a browser):

* :data:`ROLES` and :func:`role_card_html`: what each operations role does, the metrics
  it is judged by, its guiding questions, duties and requirements (seed 003, parts a–b).
* :func:`minutes_share` and :func:`compare_periods`: share of logged time by
  ``ops_type`` in the ops work log (D14).
* :func:`retention_table` and :func:`retention`: N-day retention from the ToC cohort
  table (D8), e.g. next-day (次日留存) and 7-day retention (七日留存).

Widget: :func:`role_explorer` wires them into ipywidgets.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd


#: the widget builders a lesson displays (what tobops.content.timing counts as widgets)
WIDGETS = ('role_explorer',)

@dataclass(frozen=True)
class Role:
    label: str                              # English name with the Chinese term
    group: str                              # "four common types", "special roles", ...
    work: tuple[str, ...]                   # what the role does, in the source's terms
    metrics: tuple[str, ...] = ()           # numbers it is judged by
    questions: tuple[str, ...] = ()         # guiding questions (content 5, user 5)
    duties: tuple[str, ...] = ()            # job-ad duties (seed 003, part b)
    requirements: tuple[str, ...] = ()      # job-ad requirements (seed 003, part b)
    note: str = ""
    worklog_types: tuple[str, ...] = field(default=())   # matching ops_type values in D14


ROLES: dict[str, Role] = {
    "content": Role(
        label="Content operations (内容运营)",
        group="The four common types",
        work=(
            "Produces content around the product; copy editing is only part of it.",
            "One of the more basic operations jobs; usually publishes on external platforms "
            "(social media, self-media platforms, Baidu Tieba). The company's own site costs "
            "more to start (building the site, a CMS).",
            "Example: Jobu Resume (乔布简历). Early editors made resume samples or copied them "
            "from websites, and recruited 'resume experts' on Douban and Sina Weibo as the first "
            "community users. They were assessed on the number of resumes and of invited users.",
        ),
        metrics=("number of content pieces", "content views", "content interactions",
                 "content shares / spread", "... and so on"),
        questions=(
            "Basic attributes: text, images or audio? Which style (comic or 'chicken soup')? "
            "Where does it come from (UGC or PGC)?",
            "How is it packaged: special topics, lists, category navigation?",
            "What do users like to read: planning, topic choice, riding trending events and people?",
            "How can it be taken up more often: how titles are written, how it is pushed, how often?",
            "How do users come to interact with it and spread it: creating topics, steering the "
            "discussion mood, designing a sharing mechanism?",
        ),
        worklog_types=("content",),
    ),
    "user": Role(
        label="User operations (用户运营)",
        group="The four common types",
        work=(
            "Close to content operations: keeps raising every user-related number.",
            "Common in UGC communities; works by getting close to users, uniting them and "
            "guiding them.",
        ),
        metrics=("user count", "active users", "user dwell time", "... and so on"),
        questions=(
            "Where are my users (Weibo, ads, offline ground promotion)?",
            "How do I maintain them (interaction, gifts)?",
            "How do I keep them (analyse data; watch and raise retention; watch and raise activity)?",
            "When there are many, how do I segment and manage them (classify, then serve each "
            "class differently)?",
            "What do I do when users leave (analyse why they churn, then find countermeasures)?",
        ),
        worklog_types=("user",),
    ),
    "event": Role(
        label="Event operations (活动运营)",
        group="The four common types",
        work=(
            "The most familiar operations method. Content and user operators run events too, "
            "so few companies have a separate event-operations job.",
            "Set the event's goal in advance and track its data throughout; afterwards evaluate "
            "the effect, execute and follow up.",
            "Like running a campus club: plan first, learn what resources exist, promote, and "
            "carry the plan and the flow through to execution.",
        ),
        metrics=("the goal set before the event, and the data tracked during it "
                 "(the source names no fixed list)",),
        worklog_types=("event",),
    ),
    "product": Role(
        label="Product operations (产品运营)",
        group="The four common types",
        work=(
            "Uses a whole range of methods to move specific product numbers: event planning, "
            "developing and connecting internal and external resources, optimising the product, "
            "organising content.",
            "A balanced all-rounder who knows the operations methods and the product and can even "
            "write product proposals; jokingly, product operations 'has to be omnipotent'.",
        ),
        metrics=("registrations", "payments", "visit depth", "visit frequency", "... and so on"),
        duties=(
            "Run day-to-day user operations; identify and deeply understand user needs and "
            "express them clearly.",
            "Analyse needs and behaviour to drive a sensible operations plan; guide and keep core "
            "users; raise user experience and loyalty.",
            "Monitor user behaviour; answer users' online problems promptly and pass their "
            "feedback to the product team.",
            "Compile product feedback and suggestions; follow major updates and issue handling; "
            "help the product department optimise.",
        ),
        requirements=(
            "Junior-college diploma (大专) or higher in marketing, management or computing; strong "
            "interest in the internet.",
            "Strong communication, coordination and writing; good at grasping user needs and "
            "analysing behaviour.",
            "Learning ability, responsibility, resilience under pressure, teamwork, adaptability.",
            "Product sense and sharp observation: finds problems and drives them to a fix; innovative.",
        ),
        worklog_types=("product",),
    ),
    "new_media": Role(
        label="New-media operations (新媒体运营)",
        group="Special roles",
        work=(
            "Runs the company's WeChat, Weibo and Toutiao (头条号) accounts: at minimum registers "
            "them, sets up the back end and publishes; studies how big accounts work; needs some "
            "copywriting.",
            "Sets the accounts' overall style and personality; plans content and special topics, "
            "chooses topics, executes; tracks promotion; compiles and analyses data and reports "
            "back; runs periodic online events.",
            "In a pure-content version of the job, also follows industry news and trending topics.",
            "Not only followers and activity: may also handle brand promotion and product "
            "marketing and promotion.",
        ),
        metrics=("number of followers", "follower activity"),
        duties=(
            "Build Weibo and WeChat content: content and special-topic planning, topic choice, "
            "execution, tracking the effect, analysing data and reporting back.",
            "Set the overall style and personality; run periodic online events and track their effect.",
            "Keep up with industry news and trending topics; keep studying operations methods and "
            "promotion models.",
            "Take part in overall brand and product marketing planning and promotion.",
            "Grow the number of followers and their activity.",
        ),
        requirements=(
            "Internet new-media experience and a bachelor's degree or higher; media, marketing, "
            "journalism or Chinese majors preferred.",
            "Writes independently in many styles (literary, comic, essay, long-form in-depth).",
            "Knows how new media spreads; plans independently; chases trends, writes plans, "
            "executes on time, gets strong spread.",
            "Knows Photoshop (PPT or Illustrator a plus) and editors such as Xiumi (秀米) and i排版.",
            "Heavy user of WeChat, Weibo, Zhihu and Tieba; follows 100+ official accounts.",
            "Experience with a 100k+ (10W+) WeChat following preferred; access to self-media "
            "authors preferred.",
        ),
        worklog_types=("new_media",),
    ),
    "app_store": Role(
        label="App-store operations (App商店运营)",
        group="Special roles",
        work=(
            "Brings in online traffic, builds the brand on new-media channels, and does some "
            "offline expansion.",
        ),
        note="The answer's author jokingly admits to being vague about this one.",
    ),
    "seo_sem": Role(
        label="SEO/SEM operations (SEO/SEM运营)",
        group="Special roles",
        work=(
            "SEO is search-engine optimisation (搜索引擎优化); SEM is search-engine marketing "
            "(搜索引擎营销), i.e. paid search.",
            "Search-marketing conversion is funnel-shaped: optimise every step to cut drop-off, "
            "because a failure at any step wastes the effort spent on the others.",
        ),
        metrics=("drop-off at each funnel step",),
        note="The source glosses SEM loosely as 'online marketing' (网络营销); that gloss is wrong.",
        worklog_types=("seo_sem",),
    ),
    "others": Role(
        label="Other roles: ground promotion (地推) and customer service (客服)",
        group="Special roles",
        work=(
            "Both are familiar from campus life, where club sponsors often run ground-promotion "
            "campaigns, so the source does not expand on them.",
        ),
        worklog_types=("ground_promo", "customer_service"),
    ),
    "bd": Role(
        label="Business development (商务BD)",
        group="Market and sales roles",
        work=("Partnerships and deal-making; its duties appear in seed 003 without a heading, "
              "but the content is clearly BD.",),
        duties=(
            "Market promotion, negotiating with new clients, collecting client information, "
            "maintaining client relationships.",
            "Create good cooperation models with clients and partners that fit the product; push "
            "sales-cooperation projects through.",
            "Maintain existing partnerships, open new cooperation projects, meet the sales target.",
            "Collect market feedback and data on how cooperation launches perform, analyse them "
            "and recommend adjustments.",
        ),
        requirements=(
            "Junior college or higher.",
            "1+ year in BD or sales; rich experience of external cooperation, negotiation and "
            "moving projects forward; negotiates independently.",
            "Internet or mobile-internet experience; understands its product applications and "
            "business models; strong at opening markets.",
            "Good at analysing client needs and designing solutions; market-sensitive, passionate, "
            "goal-driven, an excellent communicator, very responsible.",
            "Fluent in Microsoft Office; writes proposals.",
            "A record of large BD deals preferred; industry or regional channel resources preferred.",
        ),
    ),
}


def role_card_html(key: str) -> str:
    """An HTML card for one role: group, work, metrics, questions, duties, requirements."""
    role = ROLES[key]

    def block(title: str, items: tuple[str, ...], ordered: bool = False) -> str:
        if not items:
            return ""
        tag = "ol" if ordered else "ul"
        lis = "".join(f"<li>{html.escape(x)}</li>" for x in items)
        return f"<p><b>{html.escape(title)}</b></p><{tag}>{lis}</{tag}>"

    parts = [
        f"<h4>{html.escape(role.label)}</h4>",
        f"<p><i>{html.escape(role.group)}</i></p>",
        block("What the role does", role.work),
        block("Judged by (metrics)", role.metrics),
        block(f"Guiding questions ({len(role.questions)})", role.questions, ordered=True),
        block(f"Duties in a job ad ({len(role.duties)})", role.duties, ordered=True),
        block(f"Requirements in a job ad ({len(role.requirements)})", role.requirements, ordered=True),
    ]
    if role.note:
        parts.append(f"<p><i>Note: {html.escape(role.note)}</i></p>")
    return "".join(p for p in parts if p)


# --- D14 ops work log ------------------------------------------------------------------

def minutes_share(worklog: pd.DataFrame, employee: str | None = None,
                  weeks: tuple[int, int] | None = None) -> pd.Series:
    """Share of logged minutes by ``ops_type`` (0–1, sums to 1), largest first.

    ``employee`` filters ``employee_id``; ``weeks=(first, last)`` keeps weeks first..last
    inclusive.
    """
    df = worklog
    if employee is not None:
        df = df[df["employee_id"] == employee]
    if weeks is not None:
        df = df[df["week"].between(weeks[0], weeks[1])]
    minutes = df.groupby("ops_type", observed=True)["minutes"].sum()
    minutes = minutes[minutes > 0]
    return (minutes / minutes.sum()).sort_values(ascending=False).rename("share")


def compare_periods(worklog: pd.DataFrame, employee: str,
                    early: tuple[int, int] = (1, 4), late: tuple[int, int] = (9, 12)) -> pd.DataFrame:
    """One employee's share of time by ``ops_type`` in two week ranges (columns early, late)."""
    out = pd.DataFrame({
        f"weeks {early[0]}-{early[1]}": minutes_share(worklog, employee, early),
        f"weeks {late[0]}-{late[1]}": minutes_share(worklog, employee, late),
    }).fillna(0.0)
    return out.sort_values(out.columns[0], ascending=False)


# --- D8 ToC cohorts ---------------------------------------------------------------------

def retention_table(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Cohort × day table of retention = active_users / cohort_size (rows cohort_week)."""
    df = cohorts.assign(retention=cohorts["active_users"] / cohorts["cohort_size"])
    return df.pivot(index="cohort_week", columns="day_offset", values="retention").sort_index()


def retention(cohorts: pd.DataFrame, cohort_week, day: int) -> float:
    """N-day retention of one cohort: active users on ``day`` ÷ cohort size."""
    week = pd.Timestamp(cohort_week)
    row = cohorts[(pd.to_datetime(cohorts["cohort_week"]) == week) & (cohorts["day_offset"] == day)]
    if row.empty:
        raise KeyError(f"no row for cohort {week.date()} day {day}")
    return float(row["active_users"].iloc[0] / row["cohort_size"].iloc[0])


def _cohort_figure(table: pd.DataFrame, cohort_week, day: int):
    import matplotlib.pyplot as plt

    week = pd.Timestamp(cohort_week)
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    mean_curve = table.mean(axis=0) * 100
    ax.plot(mean_curve.index, mean_curve.values, color="grey", linestyle="--", label="mean of all cohorts")
    curve = table.loc[week] * 100
    ax.plot(curve.index, curve.values, color="tab:blue", label=f"cohort {week.date()}")
    ax.axvline(day, color="tab:orange", linewidth=1)
    ax.scatter([day], [curve.loc[day]], color="tab:orange", zorder=3, label=f"day {day}")
    ax.set_title("ToC retention curve (toc_cohorts)")
    ax.set_xlabel("Days since joining (day_offset)")
    ax.set_ylabel("Active users (% of cohort)")
    ax.set_ylim(0, 105)
    ax.legend()
    fig.tight_layout()
    return fig


def role_explorer(cohorts: pd.DataFrame | None = None):
    """Role explorer (left) and an N-day retention slider for one cohort (right)."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    if cohorts is None:
        from tobops.content.datasets import load
        cohorts = load("toc_cohorts")
    table = retention_table(cohorts)
    weeks = [pd.Timestamp(w) for w in table.index]

    role_dd = widgets.Dropdown(
        options=[(r.label, k) for k, r in ROLES.items()], value="content", description="Role:",
        layout={"width": "420px"}, style={"description_width": "initial"},
    )
    card = widgets.HTML(layout={"width": "460px"})

    cohort_dd = widgets.Dropdown(
        options=[(str(w.date()), w) for w in weeks], value=weeks[0], description="Cohort week:",
        style={"description_width": "initial"},
    )
    day_slider = widgets.IntSlider(value=1, min=0, max=int(table.columns.max()), description="day_offset")
    readout = widgets.HTML()
    plot = widgets.Output()

    def show_role(_=None):
        card.value = role_card_html(role_dd.value)

    def show_cohort(_=None):
        week, day = cohort_dd.value, day_slider.value
        r = float(table.loc[week, day])
        avg = float(table[day].mean())
        readout.value = (f"<b>Day-{day} retention</b> of cohort {week.date()}: <b>{r:.1%}</b> "
                         f"(mean of all cohorts: {avg:.1%})")
        with plot:
            plot.clear_output(wait=True)
            fig = _cohort_figure(table, week, day)
            display(fig)
            plt.close(fig)

    role_dd.observe(show_role, names="value")
    cohort_dd.observe(show_cohort, names="value")
    day_slider.observe(show_cohort, names="value")
    show_role()
    show_cohort()

    left = widgets.VBox([widgets.HTML("<b>Role explorer</b>"), role_dd, card])
    right = widgets.VBox([widgets.HTML("<b>Retention explorer (留存)</b>"), cohort_dd, day_slider, readout, plot])
    box = widgets.HBox([left, right])
    # handles for tests
    box.role_dropdown, box.cohort_dropdown, box.day_slider = role_dd, cohort_dd, day_slider
    box.card, box.readout = card, readout
    return box
