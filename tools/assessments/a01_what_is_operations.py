"""Assessment 01-what-is-operations: follows Lesson 01 (What operations is)."""
from tobops.assess import authoring as A
ASSESSMENT = "01-what-is-operations"
L = "L01"

# The lesson prints the mean day-1/day-7 retention of all cohorts and the 2024-05-13
# cohort; here the trainee averages the four March 2024 cohorts instead.
Q7 = """
cohorts = load("toc_cohorts")
day7 = cohorts[cohorts["day_offset"] == 7]
march = day7[day7["cohort_week"].dt.strftime("%Y-%m") == "2024-03"]
q7 = round((march["active_users"] / march["cohort_size"]).mean(), 3)
"""

# The lesson prints E01's shares (weeks 1-4 and 9-12) and E02/E03's biggest movers;
# here: E02's share of time on the four most-cited types in weeks 9-12.
Q8 = """
worklog = load("ops_worklog")
e02 = worklog[(worklog["employee_id"] == "E02") & (worklog["week"].between(9, 12))]
four = e02["ops_type"].isin(["content", "user", "event", "product"])
q8 = round(e02.loc[four, "minutes"].sum() / e02["minutes"].sum() * 100, 1)
"""


def build():
    return A.assessment(
        ASSESSMENT, lesson=L, title="What operations is", minutes=20,
        intro="""
Nine items: six multiple choice, two data tasks on the course datasets and one short
written answer. 22 points in all; the written answer (4 points) is graded by your
instructor against the rubric shown with it.
""",
        items=[
            A.choice("q1", lesson=L, objective="L01.O2", section="1.4", points=2,
                     prompt="Sun Ling's article (seed 003, part b) names three indicators that suit most operations work. Which three?",
                     options=["Page views, unique visitors and click-through rate (PV / UV / CTR)",
                              "Acquisition, retention and activation (拉新 / 留存 / 促活)",
                              "Brand exposure, leads and media reposts",
                              "The five AARRR stages: Acquisition, Activation, Retention, Revenue, Refer"],
                     answer="B"),
            A.choice("q2", lesson=L, objective="L01.O1", section="1.1", points=2,
                     prompt="Seed 003 says product operations (产品运营) uses a whole range of methods to move specific product numbers. Which numbers does it name?",
                     options=["The number of content pieces, content views, interactions and shares",
                              "User count, active users and user dwell time",
                              "Registrations, payments, visit depth and visit frequency",
                              "Only the follower count of the company's WeChat and Weibo accounts"],
                     answer="C"),
            A.choice("q3", lesson=L, objective="L01.O3", section="1.6", points=2,
                     prompt="Which order is the typical operations career ladder that seed 003 gives?",
                     options=["Operations specialist (运营专员) → operations manager (运营经理) → operations director (运营总监) → COO / CMO",
                              "Operations specialist → operations director → operations manager → CEO",
                              "Content editor → product manager → COO",
                              "Business development (BD) → CMO → COO"],
                     answer="A"),
            A.choice("q4", lesson=L, objective="L01.O3", section="1.6", points=2,
                     prompt="Which line lists three duties that **all** come from the CMO's (首席营销官) job description?",
                     options=["Lead internal team building and a standardised operations-management system; coordinate between departments; set the company's operations metrics and annual development plan",
                              "Negotiate with new clients and collect client information; create cooperation models with partners; meet the sales target",
                              "Answer users' online problems promptly; compile users' product feedback; help the product department optimise the product",
                              "Set the overall PR strategy and handle crisis PR; organise and supervise the annual promotion plan; set and control the promotion-expense budget"],
                     answer="D"),
            A.choice("q5", lesson=L, objective="L01.O4", section="1.7", points=2,
                     prompt="""
Many ToB companies do no product operations and spend the money on channels instead,
because they take product operations to mean content building, user maintenance and
event planning. What is seed 001's answer?
""",
                     options=["They are right: in ToB, channels are sales work, so operations should stick to content, users and events",
                              "Those three are only methods, the surface of the work; the essence of product operations is reaching the set product metrics by whatever route works, so building channels is operations too",
                              "Only user maintenance is worth doing; content and events should be cut and the budget moved to channels",
                              "Operations should be merged into marketing, because both only spend money on promotion"],
                     answer="B"),
            A.choice("q6", lesson=L, objective="L01.O5", section="1.7", points=2,
                     prompt="Seed 002 says ToB operations must achieve two things. Which two?",
                     options=["More followers and more activity on the company's social-media accounts",
                              "Higher next-day and 7-day retention of new users",
                              "A product that is easier to use (更好用) and easier to sell (更好卖)",
                              "A lower cost per acquired user and more app downloads"],
                     answer="C"),
            A.numeric("q7", lesson=L, objective="L01.O2", section="1.4", points=3,
                      prompt="""
Using `toc_cohorts` (`load("toc_cohorts")`), compute the 7-day retention (七日留存) of each
of the four weekly cohorts that started in **March 2024** (`cohort_week` 2024-03-04,
2024-03-11, 2024-03-18 and 2024-03-25): `active_users` on `day_offset == 7` ÷
`cohort_size`. Report the mean of those four rates as a fraction, rounded to 3 decimals
(e.g. `0.123`).
""", solution=Q7, expected=A.evaluate("q7", Q7), tolerance=0.001),
            A.numeric("q8", lesson=L, objective="L01.O1", section="1.3", points=3,
                      prompt="""
Using `ops_worklog` (`load("ops_worklog")`), take employee `E02` in weeks 9–12
(`week` 9 to 12 inclusive). What share of E02's logged `minutes` went to the four types
of operations people hear about most, i.e. `ops_type` in `content`, `user`, `event` and
`product`? Give a **percentage**, rounded to 1 decimal (e.g. `42.5`).
""", solution=Q8, expected=A.evaluate("q8", Q8), tolerance=0.1),
            A.written("q9", lesson=L, objective="L01.O4", section="1.7",
                      prompt="""
A new colleague says: "We're a ToB company. Our job is content and events; channels
belong to sales." Reply in 4–6 sentences, using seeds 001 and 002.
""",
                      rubric=[("Uses seed 001's distinction between the essence of product operations and its methods", 1),
                              ("Draws seed 001's conclusion about channel building (and the market) for a ToB product", 1),
                              ("Names the two results seed 002 says ToB operations must deliver", 1),
                              ("Ties the reply to one concrete action in our own company and the metric it would move", 1)],
                      model_answer="""
Content, user maintenance and events are only methods, the visible surface of the job;
seed 001 says the essence of product operations is to reach the product's set metrics by
whatever route works. For a ToB product the channel is one of the strongest of those
routes, since it decides which clients we reach at all and so drives sales revenue;
that is why seed 001 counts channel building as operations, and in the broadest sense
says "the market is operations" (市场即运营). Seed 002 gives us two results to deliver:
a product that is easier to use (更好用) and easier to sell (更好卖), and channels serve
the second directly. Concretely, we could work with sales on our partner-platform channel:
prepare the partner's product training and a case sheet, and track how many qualified
opportunities and won deals that channel brings each quarter.
"""),
        ])
