"""Lesson 01 (What operations is): role explorer and retention helpers.

Plain functions (testable without a browser):

* :data:`ROLES` and :func:`role_card_html`: what each operations role does, the metrics
  it is judged by, its guiding questions, duties and requirements (the Lagou Q&A and 孙凌's
  article collected in *The Two Hands of ToB Operations*), in English and in Chinese.
* :func:`minutes_share` and :func:`compare_periods`: share of logged time by
  ``ops_type`` in the ops work log (D14).
* :func:`retention_table` and :func:`retention`: N-day retention from the ToC cohort
  table (D8), e.g. next-day (次日留存) and 7-day retention (七日留存).

Widget: :func:`role_explorer` wires them into ipywidgets. Its labels, the role cards and the
chart follow the lesson's edition (:func:`tobops.content.lang.t`); the data and the column
names of the helpers' results are the same in both editions.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from tobops.content.lang import current, t


#: the widget builders a lesson displays (what tobops.content.timing counts as widgets)
WIDGETS = ('role_explorer',)


@dataclass(frozen=True)
class Role:
    label: str                              # English name with the Chinese term
    group: str                              # "The four common types", "Special roles", ...
    work: tuple[str, ...]                   # what the role does, in the source's terms
    metrics: tuple[str, ...] = ()           # numbers it is judged by
    questions: tuple[str, ...] = ()         # guiding questions (content 5, user 5)
    duties: tuple[str, ...] = ()            # job-ad duties (孙凌's article)
    requirements: tuple[str, ...] = ()      # job-ad requirements (孙凌's article)
    note: str = ""
    worklog_types: tuple[str, ...] = field(default=())   # matching ops_type values in D14
    #: the Chinese edition: the same fields, item for item ("label", "work", "metrics", ...)
    zh: dict = field(default_factory=dict, compare=False, repr=False)

    def text(self, name: str, lang: str | None = None):
        """A field in the edition's language (``lang`` or the current one)."""
        lang = lang or current()
        if lang == "zh" and name == "group":
            return GROUPS_ZH.get(self.group, self.group)
        if lang == "zh" and name in self.zh:
            return self.zh[name]
        return getattr(self, name)


GROUPS_ZH = {"The four common types": "最常听到的四种运营", "Special roles": "比较特别的运营岗位",
             "Market and sales roles": "市场与销售类岗位"}


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
        zh=dict(
            label="内容运营",
            work=(
                "围绕产品生产内容；写文案、改稿只是其中一部分。",
                "在运营岗位里算比较基础的，多在外部平台发内容（社交媒体、自媒体平台、百度贴吧）；"
                "要在自家网站上做内容，起步成本更高（得先建站、搭 CMS）。",
                "例子：乔布简历。早期的简历样本靠编辑自己动手做，或从网上找来；编辑还去豆瓣和新浪微博"
                "物色“简历达人”，请他们成为社区的第一批用户。那时考核编辑看两个数：简历有多少份，"
                "拉来了多少用户。",
            ),
            metrics=("内容数量", "内容浏览量", "内容互动数", "内容传播数", "……等等"),
            questions=(
                "内容的基本形态是什么：文字、图片还是音频？走什么风格（搞笑还是“鸡汤”）？"
                "内容从哪来（UGC 还是 PGC）？",
                "内容怎么包装呈现：做专题、做列表，还是做分类导航？",
                "用户爱看什么：怎么策划、怎么选题，怎么借热点事件和热点人物的势？",
                "怎样让内容更常被看到、被用到：标题怎么起，怎么推送，推送多频繁？",
                "怎样让用户和内容互动，乃至主动转发：抛出话题、带动讨论气氛、设计传播机制？",
            ),
        ),
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
        zh=dict(
            label="用户运营",
            work=(
                "和内容运营很像：任务是把各种与用户有关的数字不断往上拉。",
                "UGC 社区里最常见；做法是贴近用户、把用户团结起来，再加以引导。",
            ),
            metrics=("用户数", "活跃用户数", "用户停留时长", "……等等"),
            questions=(
                "我的用户在哪儿（微博、广告，还是线下地推）？",
                "怎么维系他们（互动、送礼品）？",
                "怎么留住他们（看数据；盯住留存并把它提上去；盯住活跃并把它拉上来）？",
                "用户多了以后怎么分层管理（先给用户分类，再为每一类提供不同的服务）？",
                "用户走了怎么办（找出流失的原因，再想办法应对）？",
            ),
        ),
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
        zh=dict(
            label="活动运营",
            work=(
                "大家最熟悉的运营手段。做内容和用户运营时也常要办活动，所以专门设活动运营岗的公司不多。",
                "活动开始前就定好目标，全程跟踪数据；结束后评估效果，执行到位并做好跟进。",
                "就像在学校办社团活动：先做策划，摸清手上有哪些资源，做宣传，再把方案和流程一路推到落地。",
            ),
            metrics=("活动前定下的目标，以及活动中持续跟踪的数据（原文没有列固定的指标）",),
        ),
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
        zh=dict(
            label="产品运营",
            work=(
                "动用一整套手段去拉升产品的某些具体数字：策划活动、拓展和对接内外部资源、优化产品、组织内容。",
                "是能力均衡的多面手：既懂各种运营手段，又懂产品，甚至能自己写产品方案；"
                "用原文的玩笑话说，产品运营得“全能”。",
            ),
            metrics=("注册量", "付费量", "访问深度", "访问频次", "……等等"),
            duties=(
                "负责日常的用户运营；准确识别、深入理解用户需求，并把需求讲清楚。",
                "分析用户的需求与行为，据此推动制定合理的运营计划；引导、维系核心用户，让用户体验更好、对产品更忠诚。",
                "盯住用户行为，及时解答用户在线上碰到的问题，并把反馈转给产品团队。",
                "汇总用户对产品的意见和建议，跟进重大更新和问题处理，协助产品部门做优化。",
            ),
            requirements=(
                "大专或以上学历，市场、管理或计算机方向；对互联网很感兴趣。",
                "能说会写，沟通协调能力强；善于抓住用户需求、分析用户行为。",
                "肯学习、有责任心、扛得住压力，能和团队协作，适应得快。",
                "有产品感，观察敏锐：看到问题会推动把它解决；敢于创新。",
            ),
        ),
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
        zh=dict(
            label="新媒体运营",
            work=(
                "打理公司的微信、微博、头条号等账号：起码要会开号、配置后台、发文；琢磨大号是怎么做起来的；"
                "要有点文案功底。",
                "定下账号的整体风格和个性；策划内容和专题、选题并执行；跟踪推广效果；整理、分析数据并反馈；"
                "隔一段时间办一次线上活动。",
                "如果是纯内容岗，还得随时留意行业资讯和热点新闻。",
                "不只是涨粉、提活跃：有的还要兼顾公司品牌宣传，以及产品的营销和推广。",
            ),
            metrics=("粉丝数", "粉丝活跃度"),
            duties=(
                "打理微博和微信上的内容：策划内容和专题、选题、执行，跟踪效果，分析数据并汇报。",
                "确定公司新媒体的整体风格和个性；定期做线上活动并跟踪效果。",
                "紧跟行业资讯和热点；持续钻研运营手段和推广模式。",
                "参与公司品牌和产品的整体营销策划与推广。",
                "涨粉，并让粉丝更活跃。",
            ),
            requirements=(
                "做过互联网新媒体运营，本科以上学历；学传媒、营销、新闻或中文的优先。",
                "能独立写稿，驾驭多种文风（文艺、搞笑、散文、深度长文）。",
                "懂新媒体的传播规律，能独立策划：会追热点、会写方案、能按时执行，传播效果好。",
                "会用 Photoshop（会 PPT 或 AI 即 Illustrator 更好），熟悉秀米、i排版这类排版工具。",
                "重度使用微信、微博、知乎和贴吧，关注的公众号超过 100 个。",
                "运营过 10 万以上（10W+）粉丝微信号的优先；手上有自媒体作者资源的优先。",
            ),
        ),
    ),
    "app_store": Role(
        label="App-store operations (App商店运营)",
        group="Special roles",
        work=(
            "Brings in online traffic, builds the brand on new-media channels, and does some "
            "offline expansion.",
        ),
        note="The answer's author jokingly admits to being vague about this one.",
        zh=dict(
            label="App商店运营",
            work=("在线上导流量，在新媒体渠道上做品牌，也做一些线下拓展。",),
            note="回答者自己也开玩笑说，这一条没讲清楚。",
        ),
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
        zh=dict(
            label="SEO/SEM运营",
            work=(
                "SEO 是搜索引擎优化（search-engine optimisation）；SEM 是搜索引擎营销"
                "（search-engine marketing），也就是付费搜索。",
                "搜索营销的转化呈漏斗形：每一步都要优化、减少流失，因为只要一环出问题，其余环节的努力就白费了。",
            ),
            metrics=("漏斗每一步的流失",),
            note="原文把 SEM 随口解释成“网络营销”，这个解释不对。",
        ),
    ),
    "others": Role(
        label="Other roles: ground promotion (地推) and customer service (客服)",
        group="Special roles",
        work=(
            "Both are familiar from campus life, where club sponsors often run ground-promotion "
            "campaigns, so the source does not expand on them.",
        ),
        worklog_types=("ground_promo", "customer_service"),
        zh=dict(
            label="其他岗位：地推和客服",
            work=("两者在校园里都见得多（社团的赞助商常常就在搞地推），所以原文没有展开。",),
        ),
    ),
    "bd": Role(
        label="Business development (商务BD)",
        group="Market and sales roles",
        work=("Partnerships and deal-making; its duties are printed without a heading, "
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
        zh=dict(
            label="商务BD",
            work=("负责对外合作和谈判签约；原文列这组职责时漏了标题，但从内容看显然是 BD。",),
            duties=(
                "做市场推广，和新客户谈合作，收集客户信息，维护客户关系。",
                "结合产品特点，和客户及合作伙伴设计出好的合作模式，把销售合作项目推进到落地。",
                "维护现有合作，开拓新的合作项目，完成销售指标。",
                "收集市场反馈和合作上线后的效果数据，分析评估后提出调整建议。",
            ),
            requirements=(
                "大专或以上学历。",
                "一年以上 BD 或销售经验；对外合作、谈项目、推项目的经验丰富，能独立谈下项目。",
                "在互联网或移动互联网行业干过，懂它的产品应用和商业模式，善于开拓市场。",
                "善于分析客户需求、设计解决方案；对市场敏感，有激情，目标感强，沟通出色，非常负责。",
                "熟练使用 Microsoft Office，能写方案。",
                "做成过大型商务合作的优先；手上有行业或区域渠道资源的优先。",
            ),
        ),
    ),
}


def role_card_html(key: str, lang: str | None = None) -> str:
    """An HTML card for one role, in the edition's language (``lang`` or the current one):
    group, work, metrics, questions, duties, requirements."""
    role = ROLES[key]
    lang = lang or current()

    def tr(en: str, zh: str) -> str:
        return zh if lang == "zh" else en

    def block(title: str, items: tuple[str, ...], ordered: bool = False) -> str:
        if not items:
            return ""
        tag = "ol" if ordered else "ul"
        lis = "".join(f"<li>{html.escape(x)}</li>" for x in items)
        return f"<p><b>{html.escape(title)}</b></p><{tag}>{lis}</{tag}>"

    def get(name: str):
        return role.text(name, lang)

    parts = [
        f"<h4>{html.escape(get('label'))}</h4>",
        f"<p><i>{html.escape(get('group'))}</i></p>",
        block(tr("What the role does", "这个岗位做什么"), get("work")),
        block(tr("Judged by (metrics)", "考核看什么（指标）"), get("metrics")),
        block(tr(f"Guiding questions ({len(role.questions)})", f"要想清楚的问题（{len(role.questions)} 个）"),
              get("questions"), ordered=True),
        block(tr(f"Duties in a job ad ({len(role.duties)})", f"招聘启事里的岗位职责（{len(role.duties)} 条）"),
              get("duties"), ordered=True),
        block(tr(f"Requirements in a job ad ({len(role.requirements)})",
                 f"招聘启事里的任职要求（{len(role.requirements)} 条）"), get("requirements"), ordered=True),
    ]
    if role.note:
        parts.append(f"<p><i>{tr('Note: ', '注：')}{html.escape(get('note'))}</i></p>")
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
    ax.plot(mean_curve.index, mean_curve.values, color="grey", linestyle="--",
            label=t("mean of all cohorts", "所有批次的平均"))
    curve = table.loc[week] * 100
    ax.plot(curve.index, curve.values, color="tab:blue", label=t(f"cohort {week.date()}", f"{week.date()} 这一批"))
    ax.axvline(day, color="tab:orange", linewidth=1)
    ax.scatter([day], [curve.loc[day]], color="tab:orange", zorder=3, label=t(f"day {day}", f"第 {day} 天"))
    ax.set_title(t("ToC retention curve (toc_cohorts)", "ToC 留存曲线（toc_cohorts）"))
    ax.set_xlabel(t("Days since joining (day_offset)", "注册后的天数（day_offset）"))
    ax.set_ylabel(t("Active users (% of cohort)", "活跃用户（占该批次的 %）"))
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
        options=[(r.text("label"), k) for k, r in ROLES.items()], value="content", description=t("Role:", "岗位："),
        layout={"width": "420px"}, style={"description_width": "initial"},
    )
    card = widgets.HTML(layout={"width": "460px"})

    cohort_dd = widgets.Dropdown(
        options=[(str(w.date()), w) for w in weeks], value=weeks[0], description=t("Cohort week:", "批次（注册周）："),
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
        readout.value = t(f"<b>Day-{day} retention</b> of cohort {week.date()}: <b>{r:.1%}</b> "
                          f"(mean of all cohorts: {avg:.1%})",
                          f"{week.date()} 这一批的<b>第 {day} 天留存</b>：<b>{r:.1%}</b>"
                          f"（所有批次平均：{avg:.1%}）")
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

    left = widgets.VBox([widgets.HTML(t("<b>Role explorer</b>", "<b>运营岗位一览</b>")), role_dd, card])
    right = widgets.VBox([widgets.HTML(t("<b>Retention explorer (留存)</b>", "<b>留存查看器</b>")), cohort_dd, day_slider,
                          readout, plot])
    box = widgets.HBox([left, right])
    # handles for tests
    box.role_dropdown, box.cohort_dropdown, box.day_slider = role_dd, cohort_dd, day_slider
    box.card, box.readout = card, readout
    return box
