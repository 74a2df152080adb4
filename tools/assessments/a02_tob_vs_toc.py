"""Assessment 02-tob-vs-toc: follows Lesson 02 (ToB vs ToC)."""
from tobops.assess import authoring as A
ASSESSMENT = "02-tob-vs-toc"
L = "L02"

Q6 = """
deals = load("deals")
closed = deals[deals["stage"].isin(["won", "lost"])]
all_five = closed[closed["roles_met"] == 5]["won"].astype(bool).mean()
two_or_fewer = closed[closed["roles_met"] <= 2]["won"].astype(bool).mean()
q6 = round((all_five - two_or_fewer) * 100, 1)
"""

Q7 = """
content = load("content")
reads = content["reads_targeted"] + content["reads_untargeted"]
high = content["target_share"] >= 0.6
low = content["target_share"] < 0.2
per_1000_high = content.loc[high, "leads"].sum() / reads[high].sum() * 1000
per_1000_low = content.loc[low, "leads"].sum() / reads[low].sum() * 1000
q7 = round(per_1000_high / per_1000_low, 2)
"""


def build():
    return A.assessment(
        ASSESSMENT, lesson=L, title="ToB vs ToC", minutes=20,
        intro="""
Eight items: five multiple choice, two data tasks on the course datasets and one short
written answer. 28 points in all; the written answer (4 points) is graded by your
instructor against the rubric shown with it.
""",
        items=[
            A.choice("q1", lesson=L, objective="L02.O1", section="2.2", points=2,
                     prompt="Which of these is **not** one of the five roles that seed 003 says take part in every enterprise purchase?",
                     options=["The user (使用方)", "The evaluator (评估方)", "The budget holder (预算方)",
                              "The recommender (推荐方)", "The signer (签字方)"],
                     answer="D"),
            A.choice("q2", lesson=L, objective="L02.O1", section="2.4", points=2,
                     prompt="According to seed 001, which ToB customer type is worth the most to operations?",
                     options=["Customers with decision power (有决策权的客户)", "Administrator customers (管理员客户)",
                              "Business users (业务客户)", "All are equal, as in ToC: they differ only by lifecycle stage"],
                     answer="A"),
            A.choice("q3", lesson=L, objective="L02.O2", section="2.8", points=2,
                     prompt="By seed 003's rule of thumb, which customer base already makes a typical ToB company commercially secure?",
                     options=["10,000 registered users", "About 100 customers, including about 10 large accounts",
                              "1 million monthly active users", "1,000 free-trial sign-ups"],
                     answer="B"),
            A.choice("q4", lesson=L, objective="L02.O5", section="2.3", points=2,
                     prompt="Which sentence states seed 000's mindset rule for ToB operators?",
                     options=["Operations should aim to close deals on its own, without sales",
                              "Operations cannot get the client to place the order by itself, but it can certainly help bring the sale about (促成销售)",
                              "Operations should stay out of the sales process altogether",
                              "Sales should report to operations so that operations owns the close"],
                     answer="B"),
            A.choice("q5", lesson=L, objective="L02.O3", section="2.7", points=2,
                     prompt="Your company prices every deal individually (一单一议). Why is a WeChat community for all clients risky?",
                     options=["WeChat groups are expensive to run", "Clients comparing prices and terms with each other is taboo in such a business",
                              "ToB clients do not use WeChat", "Communities lower brand awareness"],
                     answer="B"),
            A.numeric("q6", lesson=L, objective="L02.O1", section="2.2", points=3,
                      prompt="""
Using `deals` (`load("deals")`), take the **closed** deals (stage `won` or `lost`).
Compute the win rate of deals where all 5 purchase roles were met (`roles_met == 5`)
minus the win rate of deals where 2 or fewer were met (`roles_met <= 2`), in
**percentage points**, rounded to 1 decimal (e.g. `23.4`).
""", solution=Q6, expected=A.evaluate("q6", Q6), tolerance=0.1),
            A.numeric("q7", lesson=L, objective="L02.O4", section="2.8", points=3,
                      prompt="""
Using `content` (`load("content")`), compute leads per 1,000 reads (reads =
`reads_targeted + reads_untargeted`) for pieces with `target_share >= 0.6`, and for
pieces with `target_share < 0.2`. Report the ratio high ÷ low, rounded to 2 decimals.
""", solution=Q7, expected=A.evaluate("q7", Q7), tolerance=0.02),
            A.written("q8", lesson=L, objective="L02.O2", section="2.8",
                      prompt="""
Your manager compares our 80-person customer salon with a consumer app's push that got
200,000 reads, and calls the salon a failure. Reply in 4–6 sentences.
""",
                      rubric=[("Quality before quantity, with the ~100 customers / ~10 large accounts benchmark", 1),
                              ("ToB online behaviour is low volume, low frequency and low interaction, because it is work behaviour", 1),
                              ("Targeted vs untargeted reach, e.g. 100 targeted reads beat 1,000 untargeted ones", 1),
                              ("A way to measure the salon's value: follow-up leads, pipeline, or the quarterly/annual client sample survey", 1)],
                      model_answer="""
ToB and ToC numbers should not be compared: a ToB firm with about 100 customers, about 10
of them large accounts, is already commercially secure, so 80 people in the room who are
prospects or clients is a large share of our market. ToB buyers touch online content
rarely and interact little, because buying enterprise software is work, not a hobby, so
a ToB push will never get consumer-scale reads. What matters is who was reached: 100
reads by target clients are worth more than 1,000 untargeted ones. To judge the salon we
should track follow-up leads and pipeline created from attendees, and ask about it in
our quarterly client sample survey.
"""),
        ])
