"""Assessment 03-north-star-metric: follows Lesson 03 (The north-star metric)."""
from tobops.assess import authoring as A
ASSESSMENT = "03-north-star-metric"
L = "L03"

# The lesson prints r (same week and 4-week lag) for every candidate of every business,
# and draws the 0-8 week lag profile without numbers; here: the 2-week-lagged r.
Q7 = """
metrics = load("metrics_weekly")
ride = metrics[metrics["business"] == "ride_hailing_b"].sort_values("week")
q7 = round(ride["driver_accepted_orders"].shift(2).corr(ride["revenue_cny"]), 2)
"""

# The lesson draws the AARRR funnel for March 2024; here: the Refer stage in June 2024.
Q8 = """
funnel = load("toc_funnel")
june = funnel[funnel["date"].dt.strftime("%Y-%m") == "2024-06"]
q8 = round(june["referrals"].sum() / june["acquisitions"].sum() * 100, 2)
"""


def build():
    return A.assessment(
        ASSESSMENT, lesson=L, title="The north-star metric", minutes=25,
        intro="""
Nine items: six multiple choice (one of them needs a short pandas check), two data tasks
on the course datasets and one short written answer. 22 points in all; the written answer
(4 points) is graded by your instructor against the rubric shown with it.
""",
        items=[
            A.choice("q1", lesson=L, objective="L03.O1", section="3.2", points=2,
                     prompt="""
Seed 002 gives an example north-star metric (北极星指标) for three businesses. Which line
gives all three, in the order: a tool like Ele.me (饿了么) / the B side of Didi (滴滴打车) /
a marketing SaaS (营销类SAAS)?
""",
                     options=["App downloads / drivers newly registered / website page views",
                              "Restaurants listed / rides requested by passengers / sales leads",
                              "Orders users place / orders drivers accept / merchants using the product",
                              "Orders users place / rides requested by passengers / free-trial sign-ups"],
                     answer="C"),
            A.choice("q2", lesson=L, objective="L03.O2", section="3.4", points=2,
                     prompt="Seed 001 contrasts ToC and ToB product operations. Put most directly, what is the metric of a ToB product?",
                     options=["Sales revenue (销售额), i.e. the product's business results (业绩)",
                              "Daily active users (DAU)",
                              "The five AARRR stage metrics, exactly as for a consumer app",
                              "Members and messages in the client WeChat group"],
                     answer="A"),
            A.choice("q3", lesson=L, objective="L03.O2", section="3.4", points=2,
                     prompt="Which of these is **not** one of the five AARRR stages that seed 001 lists for ToC products?",
                     options=["Acquisition", "Activation", "Recognition", "Revenue", "Refer"],
                     answer="C"),
            A.choice("q4", lesson=L, objective="L03.O5", section="3.4", points=2,
                     prompt="""
You run product training for the staff of a client who subscribes to your SaaS. By seed
001, what must an operations method like this raise to earn its place?
""",
                     options=["The views and likes of the training videos",
                              "The client's value expectation (价值预期) or their satisfaction (满意度)",
                              "The number of new users acquired (拉新) in the client's team",
                              "Nothing: training is customer service, which is not operations work"],
                     answer="B"),
            A.choice("q5", lesson=L, objective="L03.O4", section="3.3", points=2,
                     prompt="""
Your marketing SaaS has chosen merchants actively using the product each week as its
north-star metric. Which proposed tactic passes the tactic test (tactic → the metric it
moves → north-star metric → revenue)?
""",
                     options=["Daily posts in the merchants' WeChat group, to lift the number of group messages",
                              "A weekly newsletter to grow website page views",
                              "App-store ads to push up app downloads",
                              "An onboarding call in each new merchant's first week that gets them to run their first campaign"],
                     answer="D"),
            A.choice("q6", lesson=L, objective="L03.O3", section="3.6", points=2,
                     prompt="""
Check that a north-star choice still holds in the most recent half-year. Using
`metrics_weekly` (`load("metrics_weekly")`), keep `business == "ride_hailing_b"` and the
weeks 2024-W27 to 2024-W52 only (`week >= "2024-W27"`). Which candidate metric has the
highest Pearson correlation r with `revenue_cny` in the same week?
""",
                     options=["`registered_drivers`", "`driver_accepted_orders`", "`app_downloads`",
                              "`community_group_messages`"],
                     answer="B"),
            A.numeric("q7", lesson=L, objective="L03.O3", section="3.6", points=3,
                      prompt="""
Using `metrics_weekly`, keep `business == "ride_hailing_b"` and sort by `week`. Compute
the Pearson correlation between `driver_accepted_orders` **two weeks earlier**
(`shift(2)`) and `revenue_cny`, i.e. how well the metric leads revenue by two weeks.
Round to 2 decimals (e.g. `0.45`).
""", solution=Q7, expected=A.evaluate("q7", Q7), tolerance=0.01),
            A.numeric("q8", lesson=L, objective="L03.O2", section="3.4", points=3,
                      prompt="""
Using `toc_funnel` (`load("toc_funnel")`), take the days of **June 2024**. Measure the
Refer stage against the Acquisition stage: the month's total `referrals` per 100 of the
month's total `acquisitions`. Round to 2 decimals (e.g. `4.56`).
""", solution=Q8, expected=A.evaluate("q8", Q8), tolerance=0.01),
            A.written("q9", lesson=L, objective="L03.O4", section="3.3",
                      prompt="""
Our systems-integration business quotes and negotiates every project on its own. A
colleague proposes a WeChat group for all its clients "to increase engagement".
Evaluate the idea against the north-star metric in 4–6 sentences.
""",
                      rubric=[("Names a sensible north-star metric for this business, tied to revenue", 1),
                              ("Traces the tactic and shows there is no causal path from group activity to that metric", 1),
                              ("Names the specific risk of a shared client group in a business priced deal by deal (一单一议)", 1),
                              ("Proposes an alternative tactic with a traceable path to the north-star metric", 1)],
                      model_answer="""
For a project business priced deal by deal, a sensible north-star metric is the value of
project contracts signed (or the number of qualified projects that reach a signed
contract) per quarter, because that is the revenue seed 001 says ToB operations exists
to raise. Tracing the tactic: group messages would rise, but no link leads from chat in
a group to a client signing a project, so by seed 002's test the group, let alone its
activity, has no point. Worse, in a 一单一议 business clients swapping information is a
taboo: in a shared group they would compare prices and terms, which weakens every
future negotiation. Instead, I would spend the effort on one-to-one work that moves
signed projects: tailored case studies and solution workshops for each open opportunity,
plus a satisfaction review with every delivered client that can turn them into a
reference for the next deal.
"""),
        ])
