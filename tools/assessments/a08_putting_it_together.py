"""Assessment 08-putting-it-together: follows Lesson 08 (Putting it together)."""
from tobops.assess import authoring as A
ASSESSMENT = "08-putting-it-together"
L = "L08"

# The lesson's Pareto table prints the top-2 share of ALL tickets; this task keeps only the
# tickets that came in through the client groups (QQ / WeChat), where seed 000 says everyday
# problems land.
Q7 = """
tickets = load("tickets")
groups = tickets[tickets["channel"].isin(["qq_group", "wechat_group"])]
counts = groups["category"].value_counts()
q7 = round(counts.nlargest(2).sum() / counts.sum(), 3)
"""

# The lesson prints renewal rates per response band for 2023-2024 together; this task asks
# for the 2024 renewals only.
Q8 = """
tickets = load("tickets")
saas = load("saas_accounts")
median_response = tickets.groupby("account_id")["first_response_min"].median()
due = saas[saas["renewal_due"] & saas["month"].str.startswith("2024")].copy()
due["median_response"] = due["account_id"].map(median_response)
fast = due.loc[due["median_response"] <= 30, "renewed"].astype(bool).mean()
slow = due.loc[due["median_response"] > 120, "renewed"].astype(bool).mean()
q8 = round((fast - slow) * 100, 1)
"""


def build():
    return A.assessment(
        ASSESSMENT, lesson=L, title="Putting it together", minutes=25,
        intro="""
Nine items: six multiple choice, two data tasks on the course datasets and the course
capstone, a one-page operations plan. 22 points in all; the capstone (4 points) is graded
by your instructor against the rubric shown with it.
""",
        items=[
            A.choice("q1", lesson=L, objective="L08.O1", section="8.1.2", points=2,
                     prompt="Which sequence is seed 001's five-stage ToB operations framework (5个环节), in its order?",
                     options=["Brand building → open up channels → content placement → customer service → word of mouth",
                              "Acquisition → activation → retention → revenue → referral (AARRR)",
                              "Open up channels (打通渠道) → customer service (客户服务) → brand building (品牌建立) → "
                              "word of mouth (口碑传播) → content placement (内容投放)",
                              "User operations → content operations → event operations → data operations → open up channels"],
                     answer="C"),
            A.choice("q2", lesson=L, objective="L08.O2", section="8.1.2", points=2,
                     prompt="Seed 001 says customer service (客户服务) works through four aspects. Which of these is **not** one of them?",
                     options=["Client training (客户培训)", "Solution implementation (方案实施)",
                              "Exception response and handling (异常响应处理)", "Content placement (内容投放)",
                              "Later maintenance (后期维护)"],
                     answer="D"),
            A.choice("q3", lesson=L, objective="L08.O1", section="8.1.2", points=2,
                     prompt="In the word-of-mouth stage, what does seed 001 mean by the lighthouse effect (灯塔效应)?",
                     options=["A bright, eye-catching website that draws visitors in",
                              "Cases from well-known companies in the industry, and often the product a competitor uses, "
                              "attract other clients strongly",
                              "Pushing content to as many readers as possible, like a beam sweeping the sea",
                              "One flagship event a year that takes the place of day-to-day client service"],
                     answer="B"),
            A.choice("q4", lesson=L, objective="L08.O3", section="8.2.1", points=2,
                     prompt="You are setting up the seed-user system (种子用户) for our SaaS product. Which four roles does "
                            "seed 000 tell you to define, and then go out and fill?",
                     options=["Brand spokespeople, content creators, content sharers / disseminators, content consumers",
                              "Decision-maker, administrator, business user, signer",
                              "Lead, marketing-qualified lead, sales-qualified lead, customer",
                              "Group owner, moderator, fault fixer, silent member"],
                     answer="A"),
            A.choice("q5", lesson=L, objective="L08.O3", section="8.2.4", points=2,
                     prompt="""
Last month you published 12 WeChat articles and ran 3 webinars. You are no data expert.
What does seed 000's minimum discipline of data operations (数据运营) ask of you?
""",
                     options=["Wait until the company hires an analyst; basic numbers are not worth reading without a data warehouse",
                              "Report only the best article's numbers, since that shows what the channel can do",
                              "Read the data of every piece; compare the articles with each other (same type) and the "
                              "articles with the webinars over the same month (different types, same period)",
                              "Run A/B tests on headlines; the other numbers are noise"],
                     answer="C"),
            A.choice("q6", lesson=L, objective="L08.O5", section="8.3", points=2,
                     prompt="A colleague drafts her 90-day growth plan. Which of these is **not** one of seed 000's six growth habits (自我成长)?",
                     options=["Focus on the present and do every task in hand well: your personal brand is built from them",
                              "Transfer and blend knowledge from other fields (知识迁移与融合)",
                              "Read industry news and books, and write reading notes",
                              "Pick up the newest ToC growth tricks (奇淫技巧) and switch to a new one every quarter",
                              "Learn to share: exchange value (学会分享，价值交换)"],
                     answer="D"),
            A.numeric("q7", lesson=L, objective="L08.O4", section="8.2.1", points=3,
                      prompt="""
Record and classify (记录-分类). Using `tickets` (`load("tickets")`), keep only the tickets
that came in through the client groups, where seed 000 says everyday problems land:
`channel` is `qq_group` or `wechat_group`. Count these tickets by `category`. What share of
them falls in the **two biggest categories** together? Give a fraction between 0 and 1,
rounded to 3 decimals (e.g. `0.412`).
""", solution=Q7, expected=A.evaluate("q7", Q7), tolerance=0.001),
            A.numeric("q8", lesson=L, objective="L08.O4", section="8.2.1", points=3,
                      prompt="""
Renewal risk. For each account in `tickets`, take the median `first_response_min` over all
of its tickets. Then take the **2024** renewals from `saas_accounts`: the rows with
`renewal_due == True` whose `month` starts with `"2024"`. Compute the renewal rate (share of
those rows with `renewed == True`) for accounts whose median first response is **≤ 30
minutes**, and for accounts whose median is **> 120 minutes** (accounts with no tickets
count in neither group). Report fast minus slow in **percentage points**, rounded to 1
decimal (e.g. `12.3`).
""", solution=Q8, expected=A.evaluate("q8", Q8), tolerance=0.1),
            A.written("q9", lesson=L, objective="L08.O1", section="8.1.4",
                      prompt="""
**Capstone.** Take one product you work on, or the fictional *DeskFlow*: a SaaS help-desk
tool sold to small and mid-sized retail chains. Write a one-page operations plan
organised by seed 001's five stages (about 250–400 words; a table is fine):

- name the product's **north-star metric** (北极星指标, lesson 03) and say how it ties to
  revenue or renewal;
- for **each stage**, give one method or asset from lessons 04–07, the **target customer
  type** (decision-maker 有决策权的客户 / administrator 管理员客户 / business user 业务客户),
  and **one measurable KPI** (a number you could track every month).
""",
                      rubric=[("All 5 stages in seed 001's order, each with a coherent method or asset from lessons 04-07", 1),
                              ("A north-star metric tied to revenue or renewal, not a vanity count (downloads, page views, group messages)", 1),
                              ("A target customer type named for every stage, and sensible for that stage", 1),
                              ("Every KPI is measurable, with at least one satisfaction (service) measure and one value-expectation measure", 1)],
                      model_answer="""
**Product:** DeskFlow, a SaaS help-desk tool for small and mid-sized retail chains.
**North-star metric:** the number of client stores that handle at least 50 customer
tickets a week in DeskFlow. Stores that use it every week renew; stores that stop using it
churn, so it leads the renewal rate and therefore revenue.

| Stage | Method or asset (lesson) | Target customer type | KPI (monthly) |
|---|---|---|---|
| 1 Open up channels | Attend two retail CIO roundtables chosen by share of decision-makers, plus an API listing on a retail cloud marketplace (L7) | Decision-maker | Won revenue from these channels (CNY) and cost per won deal |
| 2 Customer service | Onboarding training, an implementation checklist, a 30-minute first-response target in the client groups, record-then-classify routing (L4, L6, L8) | Administrator | CSAT (satisfaction) and renewal rate of due contracts |
| 3 Brand building | A data-backed white paper on retail service response times, presented at one industry summit (L7) | Decision-maker | Baidu Index of the brand keyword; decision-makers reached |
| 4 Word of mouth | Two verified case stories from well-known chains (lighthouse cases), quoted with the verified median, never the best case (L5) | Decision-maker | Win rate of deals where a lighthouse case was used (value expectation) |
| 5 Content placement | Short how-to videos for store staff, placed in retail vertical media, targeted by persona; only after the client base exists (L2, L7) | Business user | Leads per 1,000 targeted reads; weekly active stores (the NSM) |

The stages feed each other: the cases from stage 4 and the white paper from stage 3 are
what we bring to the roundtables of stage 1.
"""),
        ])
