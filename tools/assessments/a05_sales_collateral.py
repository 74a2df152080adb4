"""Assessment 05-sales-collateral: follows Lesson 05 (Sales collateral)."""
from tobops.assess import authoring as A
ASSESSMENT = "05-sales-collateral"
L = "L05"

Q7 = """
cases = load("case_library")
retail_verified = cases[(cases["industry"] == "retail") & cases["verified"]]
improvement_pp = retail_verified["after_value"] - retail_verified["before_value"]
q7 = round(improvement_pp.median(), 2)
"""

# The lesson's chart flags industries with no verified story case; here a usable case needs all
# four flags, and the gap is measured in open pipeline value, not in a count of industries.
Q8 = """
deals = load("deals")
cases = load("case_library")
usable = cases[cases["verified"] & cases["has_story"] & cases["client_named_consent"]
               & cases["quote_available"]]
open_deals = deals[~deals["stage"].isin(["won", "lost"])]
no_case = ~open_deals["industry"].isin(usable["industry"])
q8 = round(open_deals.loc[no_case, "amount_cny"].sum() / open_deals["amount_cny"].sum() * 100, 1)
"""


def build():
    return A.assessment(
        ASSESSMENT, lesson=L, title="Sales collateral", minutes=25,
        intro="""
Nine items: six multiple choice, two data tasks on the course datasets and one short
written answer. 22 points in all; the written answer (4 points) is graded by your
instructor against the rubric shown with it.
""",
        items=[
            A.choice("q1", lesson=L, objective="L05.O2", section="5.2", points=2,
                     prompt="""
Seed 002 says the product description document (产品说明文档) usually comes in two
versions. Which two?
""",
                     options=["A short version for busy clients and a long version for technical experts",
                              "An internal training version (内部培训版) and an external presentation version (对外宣讲版)",
                              "A Chinese version and an English version",
                              "A PPT version and a PDF version"],
                     answer="B"),
            A.choice("q2", lesson=L, objective="L05.O1", section="5.2", points=2,
                     prompt="""
Which of seed 002's four families of material serves people **inside** the company rather
than clients?
""",
                     options=["Product description documents (产品说明文档)",
                              "Customer cases (客户案例)",
                              "The internal collaboration process (内部协作流程)",
                              "The external output system (对外输出的体系)"],
                     answer="C"),
            A.choice("q3", lesson=L, objective="L05.O1", section="5.3", points=2,
                     prompt="""
The product team hands you its polished product deck for next week's meetings with
finance and manufacturing clients. What does seed 003 tell you to do with it?
""",
                     options=["Use it as it is: the product team understands the product best",
                              "Use it as it is, after removing the confidential slides",
                              "Replace it with a product video, since clients prefer video to slides",
                              "Rework it from operations' own angle and the client's, with versions for different industries and clients, because someone else's understanding may not fit what clients need"],
                     answer="D"),
            A.choice("q4", lesson=L, objective="L05.O1", section="5.3", points=2,
                     prompt="""
A new manager wants to judge the official website (官网) by the number of orders it closes
online, as an e-commerce shop would be judged. What does seed 003 say the ToB website's
main job is?
""",
                     options=["Showing products and documentation; deals still close through offline sales, and volume buyers call sales for discounts and a quality-guarantee agreement (质量保障协议)",
                              "Closing orders online, so online orders are the right measure",
                              "Hosting the community where all clients talk to each other",
                              "Ranking for search keywords; its content hardly matters"],
                     answer="A"),
            A.choice("q5", lesson=L, objective="L05.O4", section="5.2", points=2,
                     prompt="""
Which of these is an **offline** (线下) channel of seed 002's external output system
(对外输出的体系)?
""",
                     options=["Zhihu (知乎)", "Vertical media (垂直媒体)", "Industry associations (行业协会)",
                              "Weibo (微博)"],
                     answer="C"),
            A.choice("q6", lesson=L, objective="L05.O3", section="5.2", points=2,
                     prompt="""
Suppose the case library holds, for one industry and one metric (first-pass yield): 6
verified cases whose median went from 81% to 85%, and 1 unverified case that went from
70% to 95%. Sales wants one line for the website. Which line follows the course rule and
is not 'watered' (注水)?
""",
                     options=["\"Our clients raised first-pass yield from 70% to 95%.\"",
                              "\"Our clients raise first-pass yield by up to 25 points.\"",
                              "\"Across 6 verified clients, the typical (median) first-pass yield rose from 81% to 85%.\"",
                              "\"On average, our 7 clients gained about 7 points of first-pass yield.\""],
                     answer="C"),
            A.numeric("q7", lesson=L, objective="L05.O3", section="5.2", points=3,
                      prompt="""
Using `case_library` (`load("case_library")`), take the **verified** cases
(`verified` is True) in the **retail** industry (`industry == "retail"`). Every metric is
higher-is-better, so a case's improvement in percentage points is
`after_value - before_value`. Compute the **median** improvement across these cases, in
percentage points, rounded to 2 decimals (e.g. `4.35`).
""", solution=Q7, expected=A.evaluate("q7", Q7), tolerance=0.01),
            A.numeric("q8", lesson=L, objective="L05.O5", section="5.3", points=3,
                      prompt="""
A case is **fully usable** for a two-layer customer case when all four flags in
`case_library` are True: `verified`, `has_story`, `client_named_consent` and
`quote_available`. Using `deals` (`load("deals")`) and `case_library`, take the **open**
deals (`stage` not `won` or `lost`). What percentage of the open pipeline's value
(the sum of `amount_cny`) sits in industries (`industry`) that have **no** fully usable
case? Round to 1 decimal (e.g. `12.3`).
""", solution=Q8, expected=A.evaluate("q8", Q8), tolerance=0.1),
            A.written("q9", lesson=L, objective="L05.O3", section="5.2",
                      prompt="""
Write a 4–6 sentence outline of a customer-case story (案例故事) for a fictional client of
ours, including one quantified claim. Say who the client is, what problem it had, what
changed, how the result was measured, and where the finished piece will be used.
""",
                      rubric=[("The story has a named client and its context, and notes that the client agreed to be named", 1),
                              ("It states the client's problem in the client's business terms (how it makes or loses money, Lesson 04)", 1),
                              ("The quantified claim is specific and verifiable, not watered: it states N (clients, stores, cases), before → after, and how and over what period it was measured", 1),
                              ("It says where the piece will be used: which external-output channel or which meeting stage", 1)],
                      model_answer="""
Client: Jinhe Precision Parts (a fictional auto-parts maker with three plants near Suzhou),
which has agreed in writing to be named and quoted. Its problem, in its own terms: every
rejected batch was scrapped at its own cost and delayed deliveries to car makers, who
charge penalties, so low first-pass yield was eating its margin. The story follows its
quality manager, Ms Wang, from the first pilot line to all three plants, with her own words
on what changed in the daily quality meeting. Claim: across its 3 plants, first-pass yield
went from 88.0% to 92.5% in the six months after go-live, measured from the client's own
MES inspection records and checked with its quality department (a verified case, not our
best case dressed up as typical). We will use it in the manufacturing chapter of the
case book, on the website's case page and WeChat official account, and as the proof slide
in the meeting PPT for manufacturing clients at the solution and demo stages.
"""),
        ])
