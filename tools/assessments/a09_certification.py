"""Assessment 09-certification: the final certification exam, drawing on all lessons L01-L08.

Every item is new: none repeats an item of the per-lesson assessments (01-08), a lesson
self-check, or a number a lesson prints. Each item is tagged with its own lesson's
objective and section. The pass mark is PASS_MARK in tobops/course.py.
"""
from tobops.assess import authoring as A
from tobops.content.course import PASS_MARK

ASSESSMENT = "09-certification"

# L01: the lesson prints day-1 / day-7 retention over all cohorts; a01 averages the March
# cohorts' day-7 rate. Here: the drop from day 1 to day 7, pooled over the Q3 2024 cohorts.
Q12 = """
cohorts = load("toc_cohorts")
q3 = cohorts[cohorts["cohort_week"].dt.strftime("%Y-%m").isin(["2024-07", "2024-08", "2024-09"])]
size = q3.loc[q3["day_offset"] == 0, "cohort_size"].sum()
day1 = q3.loc[q3["day_offset"] == 1, "active_users"].sum() / size
day7 = q3.loc[q3["day_offset"] == 7, "active_users"].sum() / size
q12 = round((day1 - day7) * 100, 1)
"""

# L03: the lesson prints same-week and 4-week-lagged r of the levels; here the week-over-week
# changes, which removes the shared upward trend.
Q13 = """
metrics = load("metrics_weekly")
food = metrics[metrics["business"] == "food_delivery_tool"].sort_values("week")
q13 = round(food["orders_placed"].diff().corr(food["revenue_cny"].diff()), 2)
"""

# L04: the lesson draws the cumulative cash curves and prints a coefficient of variation;
# here: the share of the 24 months' one-off project cash that arrived in the biggest month.
Q14 = """
deals = load("deals")
projects = deals[(deals["stage"] == "won") & (deals["deal_model"] == "project_one_off")]
by_month = projects.groupby(projects["close_date"].dt.strftime("%Y-%m"))["amount_cny"].sum()
q14 = round(by_month.max() / by_month.sum() * 100, 1)
"""

# L05: the lesson's watering example is one industry (all cases); a05 asks for the verified
# retail median. Here: one metric across industries, best case of all vs verified median.
Q15 = """
cases = load("case_library")
sla = cases[cases["metric_name"] == "tickets resolved within SLA"]
gain = sla["after_value"] - sla["before_value"]
q15 = round(gain.max() / gain[sla["verified"]].median(), 2)
"""


def _items():
    return [
        # ---- multiple choice, one or two per lesson -------------------------------------
        A.choice("q1", lesson="L01", objective="L01.O3", section="1.6", points=2,
                 prompt="Seed 003 lists the duties of a COO (首席运营官) and of a CMO (首席营销官). Which duty is on the **COO's** list?",
                 options=["Set the overall PR strategy and handle crisis PR",
                          "Set and control the promotion-expense budget and the marketing department's annual budget",
                          "Research peers and the industry, with regular market forecasts as a basis for decisions",
                          "Set the company's operations metrics and annual development plan, and coordinate between "
                          "departments so that information flows and resources are used to the full"],
                 answer="D"),
        A.choice("q2", lesson="L02", objective="L02.O1", section="2.4", points=2,
                 prompt="""
We are selling our help-desk SaaS to a retail chain. After the purchase, the chain's IT
manager will set up the accounts, permissions and workflows; the head of customer service
decides; forty service agents will answer tickets in it every day. Which of seed 001's
three ToB customer types is the **IT manager**?
""",
                 options=["A customer with decision power (有决策权的客户)", "An administrator customer (管理员客户)",
                          "A business customer (业务客户)",
                          "The signer (签字方)"],
                 answer="B"),
        A.choice("q3", lesson="L02", objective="L02.O2", section="2.2", points=2,
                 prompt="Which statement contrasts how companies and consumers buy in the way seed 003 does?",
                 options=["ToB: a team decides, rationally and professionally, weighing the visible purchase price "
                          "against even higher hidden maintenance and migration costs; ToC: often one person, on impulse",
                          "ToB: one budget holder decides quickly because enterprise prices are fixed; ToC: a family "
                          "committee weighs every purchase",
                          "Both are decided by one person; a company simply spends more",
                          "ToB: the purchase price is the main cost, since maintenance and migration cost nothing once "
                          "bought; ToC: hidden costs dominate"],
                 answer="A"),
        A.choice("q4", lesson="L03", objective="L03.O1", section="3.7", points=2,
                 prompt="""
A new product of ours is an e-invoicing SaaS for small shops, paid monthly. Using the
definition of a north-star metric (北极星指标) and the course's rules for picking one, which
candidate is the best north star?
""",
                 options=["App downloads of the invoicing app",
                          "Page views of the product website",
                          "Members and messages in the shop owners' WeChat group",
                          "Shops that issued invoices through the product in the week"],
                 answer="D"),
        A.choice("q5", lesson="L04", objective="L04.O3", section="4.3", points=2,
                 prompt="""
A retail chain's marketing department looks at our member-segmentation tool, which
decides which members get which offer so that more of them buy again. In seed 002's
terms, what is the pitch?
""",
                 options=["Save money (省钱): any software that replaces staff is a cost purchase",
                          "Make money (挣钱): it helps the client sell more to its own customers, and the buyer sits on "
                          "the revenue side",
                          "Neither: only must-have (刚需) products such as CRM have a pitch",
                          "It cannot be said without knowing our price"],
                 answer="B"),
        A.choice("q6", lesson="L05", objective="L05.O2", section="5.2", points=2,
                 prompt="""
You are outlining the two versions of a product description document (产品说明文档). Which
section belongs in the **internal training version** (内部培训版) and should stay out of the
external presentation version (对外宣讲版)?
""",
                 options=["The client's problem and pain points, in the client's business terms",
                          "Next steps for the client: trial, demo or proof of concept, with contacts",
                          "What we cannot deliver, our honest weaknesses against competitors with the answer to each "
                          "objection, and how to request pre-sales support",
                          "A light explanation of how the product works, with architecture details in an appendix for "
                          "the evaluator"],
                 answer="C"),
        A.choice("q7", lesson="L06", objective="L06.O5", section="6.2.7", points=2,
                 prompt="""
A client has shown clear intent, but wants **brand-level cooperation only**: no
customisation, no joint operation. What does resource mobilisation (资源调动) mean for this
project, according to seed 003?
""",
                 options=["Define who does what, name an owner for each part and form a joint project team",
                          "Agree the price, then sign the agreement",
                          "PR plus content operations writing special features is enough",
                          "Escalate to our CEO and start a customisation project"],
                 answer="C"),
        A.choice("q8", lesson="L07", objective="L07.O3", section="7.3.2", points=2,
                 prompt="""
Our security product is decided on by CTOs and CEOs. The budget covers one of two
conferences: a 5,000-visitor expo whose visitors are mostly students and junior IT staff,
or a 40-seat closed-door forum whose guests are mainly CTOs and CEOs of banks. What does
seed 003's conference research (会议调研) advise?
""",
                 options=["The expo: more visitors means more leads",
                          "The forum: judge by whether the attendees are potential clients, so a conference of "
                          "decision-makers deserves a big effort however small it is",
                          "Neither: in ToB, only conferences you host yourself are worth the money",
                          "The expo, but send brochures only and no staff"],
                 answer="B"),
        A.choice("q9", lesson="L07", objective="L07.O5", section="7.3.4", points=2,
                 prompt="""
A cloud giant packages its identity-verification capability as an SDK and API. Once the
major banking apps have built it in, the whole sector works with it and is shaped by it.
Which of seed 003's partnership types is this?
""",
                 options=["Building an ecosystem (建立生态)", "Project cooperation (项目合作)",
                          "Attaching to a third-party platform (挂靠第三方平台)",
                          "Joint operation (联运)"],
                 answer="A"),
        A.choice("q10", lesson="L08", objective="L08.O2", section="8.1.2", points=2,
                 prompt="Why does seed 001 say that relationships with large and long-standing clients (大客户和老客户) deserve careful study?",
                 options=["Because they complain the loudest, so serving them first keeps the support queue quiet",
                          "Because winning a B-side client costs a great deal (获客成本), and for SaaS, service drives renewal",
                          "Because they pay for after-sales work separately, so service to them is a profit centre",
                          "Because they are the best audience for soft articles (软文) and paid ads"],
                 answer="B"),
        A.choice("q11", lesson="L08", objective="L08.O3", section="8.2.1", points=2,
                 prompt="""
In a client's WeChat group, a user reports that the export function crashes every time.
You send the fix and help remotely (远程协助). What does seed 000's record-then-classify
routine (记录-分类) add?
""",
                 options=["Nothing more: once the user is helped, the case is closed",
                          "Post the fault in every client group, so that all clients know about it",
                          "Escalate every fault straight to the CEO",
                          "Log the fault, classify it, and send what belongs to R&D to R&D and what belongs to product "
                          "to product, as the company's rules say"],
                 answer="D"),
        # ---- data tasks -------------------------------------------------------------------
        A.numeric("q12", lesson="L01", objective="L01.O2", section="1.4", points=3,
                  prompt="""
Using `toc_cohorts` (`load("toc_cohorts")`), take the weekly cohorts whose `cohort_week`
falls in **July, August or September 2024** (14 cohorts). Pool them: next-day retention
(次日留存) = total `active_users` on `day_offset == 1` ÷ total `cohort_size`, and 7-day
retention (七日留存) the same with `day_offset == 7`. How many **percentage points** of the
pooled cohort are lost between day 1 and day 7? Round to 1 decimal (e.g. `12.3`).
""", solution=Q12, expected=A.evaluate("q12", Q12), tolerance=0.1),
        A.numeric("q13", lesson="L03", objective="L03.O3", section="3.6", points=3,
                  prompt="""
Orders and revenue both grow over the year, and a shared trend alone can make a
correlation look high. A stricter check of a north-star candidate uses week-over-week
changes. Using `metrics_weekly` (`load("metrics_weekly")`), keep
`business == "food_delivery_tool"`, sort by `week`, and compute the Pearson correlation
between the weekly change of `orders_placed` and the weekly change of `revenue_cny`
(`.diff()` on each). Round to 2 decimals (e.g. `0.45`).
""", solution=Q13, expected=A.evaluate("q13", Q13), tolerance=0.01),
        A.numeric("q14", lesson="L04", objective="L04.O5", section="4.2", points=3,
                  prompt="""
When does the cash of one-off projects (一锤子买卖) arrive? Using `deals` (`load("deals")`),
take the **won** deals (`stage == "won"`) with `deal_model == "project_one_off"`, and count
each deal's `amount_cny` in the calendar month of its `close_date`. What **percentage** of
all this project cash arrived in the **single biggest month**? Round to 1 decimal
(e.g. `12.3`). (For comparison, an even spread over the 24 months would be about 4.2%.)
""", solution=Q14, expected=A.evaluate("q14", Q14), tolerance=0.1),
        A.numeric("q15", lesson="L05", objective="L05.O3", section="5.2", points=3,
                  prompt="""
Sales wants to advertise our results on the metric `"tickets resolved within SLA"` with the
best case. Using `case_library` (`load("case_library")`), take every case with that
`metric_name` (all industries). A case's improvement is `after_value - before_value`
(percentage points; the metric is higher-is-better). How many times larger is the
**best improvement among all these cases** than the **median improvement among the
verified ones** (`verified` is True)? Round to 2 decimals (e.g. `2.35`).
""", solution=Q15, expected=A.evaluate("q15", Q15), tolerance=0.02),
        # ---- written scenarios -----------------------------------------------------------
        A.written("q16", lesson="L06", objective="L06.O2", section="6.2.4",
                  prompt="""
**Client-visit plan.** Next Tuesday you go with a sales colleague to a mid-size
connected-car (车联网) company that is evaluating our security-detection product. In the
room: its CTO and two front-line security engineers. Write the plan for this visit
(about 150–250 words): what you analyse beforehand, what you propose, what you bring,
and what the visit itself must achieve.
""",
                  rubric=[("Analysis: client facts (industry traits, business process, size, revenue, needs), the stakeholders and their roles, the core need and level of intent, a product shortlist", 1),
                          ("Proposal: a product proposal (may include products not asked for) and a commercial strategy on all three questions: direct or BD, paid or free, for reputation (图名) or for profit (图利)", 1),
                          ("Communication strategy and materials fitted to the attendees and stage: product training or a demo for the engineers, interests for the senior person; meeting PPT, brochure, demo, talk tracks (话术)", 1),
                          ("The visit's own checklist, including confirming the real need and the project's progress and roles, recording feedback, and next steps with meeting minutes (会议纪要) sent", 1)],
                  model_answer="""
**01 Analyse.** From public sources and our sales colleague: the client's industry traits
(vehicle data flows from car to cloud, regulatory security requirements), its business
process, size and revenue. Stakeholders: the CTO is the evaluator and probably the final
decider; the engineers are the users; we still need to learn who holds the budget and who
signs. The stated need is "detect attacks on the vehicle cloud"; our reading of the core
need is protecting over-the-air updates, and intent looks real (a technical evaluation is
under way). Shortlist: the detection API, plus the security-monitoring dashboard they did
not ask for but which couples strongly with their operations.

**02 Propose.** Product proposal as above. Commercial strategy, agreed with sales before
the visit: direct sale; paid, with a free 30-day proof of concept; mainly for reputation
(图名), because this would be our first connected-car reference. Communication strategy:
for the engineers, a hands-on product training with a live demo on their kind of traffic;
for the CTO, both sides' interests stated plainly: risk reduced and audit passed, in return
for a reference case.

**03 Materials.** A meeting PPT for the evaluation stage written for the connected-car
industry, the brochure, a prepared demo environment, our closest case, and talk tracks for
the likely objections.

**At the visit:** confirm the real need, check where the evaluation stands and how delivery
would run, map who plays which role, run the demo and training, record their product
feedback in detail, then confirm next steps and send the meeting minutes the same day.
"""),
        A.written("q17", lesson="L07", objective="L07.O4", section="7.3.2",
                  prompt="""
**Hosting a conference, and its post-mortem.** Next quarter we host (办会) a half-day
closed-door roundtable for the CIOs and CTOs of retail chains, with a budget of 120,000
yuan. Write the plan (about 150–250 words): what you decide and organise before the day,
and what the post-mortem (复盘) afterwards must list, with one target you will judge it by.
""",
                  rubric=[("Sets the theme first and derives the audience from it (decision-makers who are potential clients), then invites them, syncing the attendee list every day", 1),
                          ("Breaks the theme into sessions and names owners: the whole meeting, the warm-up (预热), the venue, the write-up, guest reception", 1),
                          ("Preparation: site visit (踩点), who attends for us, set-up (布展), speaker slots and slides, run from a checklist", 1),
                          ("Post-mortem lists cost vs return, clients reached, client-level distribution, follow-ups and close rate, with what fell short and improvements, and one measurable target", 1)],
                  model_answer="""
**Theme first.** "Cutting service response times across 500 stores": one concrete
problem our help-desk product solves. The theme fixes the audience: CIOs, CTOs and heads
of customer service of retail chains with 100+ stores, who are potential clients.

**Invitations.** A list of 60 target people built with sales; personal invitations six
weeks ahead; the attendee list synced every day, so that we land at about 25 seats and
neither overflow nor play to an empty room.

**Task breakdown, with owners.** Host and run of show: the market-operations lead. Warm-up
articles and invitations (预热): the content operator. Venue and set-up: the events
coordinator. Write-up article afterwards: the content operator. Reception of guests: two
sales reps who know the accounts.

**Preparation (as when attending).** Site visit (踩点) two weeks ahead; confirm who attends
for us; set-up (布展) of the room and demo corner; confirm each speaker's slot and check the
slides; run everything from one checklist.

**Post-mortem (复盘), within a week.** Cost (120,000 yuan) against return (pipeline opened,
deals won within 6 months); clients reached; their distribution by client level (A/B/C);
the number of follow-ups; the close rate; then what fell short and how to fix it next
time. Target: at least 8 qualified opportunities, i.e. no more than 15,000 yuan per
qualified opportunity.
"""),
    ]


def build():
    items = _items()
    total = sum(cell.metadata["tobops"]["points"] for group in items for cell in group
                if "tobops" in cell.metadata)
    n = len(items)
    kinds = [next(c.metadata["tobops"]["kind"] for c in group if "tobops" in c.metadata) for group in items]
    needed = total * PASS_MARK / 100
    return A.assessment(
        ASSESSMENT, lesson=None, title="Certification exam", minutes=45,
        intro=f"""
The final exam of the course: {n} items drawn from all eight lessons, at least one per
lesson: {kinds.count("choice")} multiple choice (2 points each), {kinds.count("numeric")} data tasks on the
course datasets (3 points each) and {kinds.count("written")} written scenarios (4 points each, graded
by your instructor against the rubric shown with them). {total:g} points in all.

**To be certified you need {PASS_MARK:g}% of all points ({needed:g} of {total:g}), the
written answers included.** Your result appears in the instructor's report once the
written answers have been graded. If an auto-graded item is wrong, its feedback names the
lesson section to revisit.
""",
        items=items)
