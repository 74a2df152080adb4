"""Assessment 07-market-operations: follows Lesson 07 (The market-operations arm).

Map idea 6 (cost per won deal by CxO band) is changed: the lesson prints it (the
go / no-go rates table and the exercise solution), and the low band has only 3 won deals,
so the ratio is unstable. q7 asks for cost per A-level lead by band instead (59 and 76
A-level leads). Idea 7 (June 2024 UV) is kept: the lesson's report shows May 2024.
"""
from tobops.assess import authoring as A
ASSESSMENT = "07-market-operations"
L = "L07"

Q7 = """
events = load("events")
leads = load("leads")
event_leads = leads[leads["event_id"].notna()].merge(events[["event_id", "share_cxo"]], on="event_id")
high_events = events["share_cxo"] >= 0.5
low_events = events["share_cxo"] < 0.2
a_high = ((event_leads["share_cxo"] >= 0.5) & (event_leads["lead_level"] == "A")).sum()
a_low = ((event_leads["share_cxo"] < 0.2) & (event_leads["lead_level"] == "A")).sum()
cost_per_a_high = events.loc[high_events, "cost_cny"].sum() / a_high
cost_per_a_low = events.loc[low_events, "cost_cny"].sum() / a_low
q7 = round(cost_per_a_low / cost_per_a_high, 2)
"""

Q8 = """
content = load("content")
published = content["publish_date"]
june = content[(published.dt.year == 2024) & (published.dt.month == 6)]
q8 = june.loc[june["content_type"] == "industry_summary", "uv"].sum()
"""


def build():
    return A.assessment(
        ASSESSMENT, lesson=L, title="The market-operations arm", minutes=25,
        intro="""
Nine items: six multiple choice, two data tasks on the course datasets and one short
written answer. 22 points in all; the written answer (4 points) is graded by your
instructor against the rubric shown with it.
""",
        items=[
            A.choice("q1", lesson=L, objective="L07.O1", section="7.2", points=2,
                     prompt="""
Which of these is **not** one of the five effects seed 003 says market promotion should
achieve?
""",
                     options=["Brand building (品牌塑造)",
                              "Sales leads (获得销售线索)",
                              "Continuous exposure (持续曝光)",
                              "Motivating employees (激励员工)",
                              "A platform for your voice (发声平台)",
                              "Driving app downloads and daily active users"],
                     answer="F"),
            A.choice("q2", lesson=L, objective="L07.O2", section="7.3.1", points=2,
                     prompt="""
Your implementation engineer writes up how she connected our product to a bank's systems
in three weeks, with the configuration steps and the pitfalls she met. Which of the seven
content types is it?
""",
                     options=["Event report (活动报道)",
                              "Tech/product sharing (技术产品分享)",
                              "People profile (人物宣传)",
                              "Industry summary (行业总结)"],
                     answer="B"),
            A.choice("q3", lesson=L, objective="L07.O3", section="7.3.2", points=2,
                     prompt="""
You sell a network-security product whose buyers decide at CTO and CEO level. A national
expo with 20,000 visitors invites you to take a booth, but its visitors are mostly
students and junior staff. What does seed 003 advise?
""",
                     options=["Skip it, however big it is: its attendees are not our potential clients",
                              "Go: with 20,000 visitors it will bring the most leads of the year",
                              "Go, but only hand out brochures so that the cost stays low",
                              "Go, because the size of an event is the best measure of its value"],
                     answer="A"),
            A.choice("q4", lesson=L, objective="L07.O4", section="7.3.2", points=2,
                     prompt="""
Which of these is **not** one of the things seed 003 says to list in a conference
post-mortem (会后复盘)?
""",
                     options=["Costs and returns",
                              "Number of clients reached",
                              "Distribution of client levels",
                              "Number of follow-ups and the close rate",
                              "The conference's total attendance, as the headline measure of success"],
                     answer="E"),
            A.choice("q5", lesson=L, objective="L07.O5", section="7.3.4", points=2,
                     prompt="""
You list your ticket-analysis plug-in in the app marketplace of a large office-collaboration
platform, so that some of the platform's millions of business users find and adopt it.
Which partnership type is this?
""",
                     options=["Building an ecosystem (建立生态), because the platform is big",
                              "Project cooperation (项目合作)",
                              "Attaching to a third-party platform (挂靠第三方平台)",
                              "Joint operation (联运) with a named owner per part"],
                     answer="C"),
            A.choice("q6", lesson=L, objective="L07.O5", section="7.3.3", points=2,
                     prompt="Which three activities does seed 003 name as the main work of SEM in online promotion?",
                     options=["Backlinks, meta tags and site maps",
                              "Keyword optimisation (关键词优化), tracking competitors' keywords (跟踪竞品词) and bid adjustment (竞价调整)",
                              "Influencer posts, WeChat group campaigns and lucky-draw giveaways",
                              "Banner design, pop-up windows and app-store rankings"],
                     answer="B"),
            A.numeric("q7", lesson=L, objective="L07.O3", section="7.3.2", points=3,
                      prompt="""
Using `events` (`load("events")`) and `leads` (`load("leads")`, joined on `event_id`),
compare two groups of events: high-CxO events (`share_cxo >= 0.5`) and low-CxO events
(`share_cxo < 0.2`). For each group compute the **cost per A-level lead**: the total
`cost_cny` of the group's events (each event counted once) divided by the number of leads
from those events with `lead_level == "A"`. Report the ratio low-CxO ÷ high-CxO, rounded
to 2 decimals (e.g. `2.35`).
""", solution=Q7, expected=A.evaluate("q7", Q7), tolerance=0.02),
            A.numeric("q8", lesson=L, objective="L07.O2", section="7.3.1", points=3,
                      prompt="""
For the June 2024 content-operations report: using `content` (`load("content")`), take
the pieces published in June 2024 (`publish_date`) with `content_type ==
"industry_summary"`, and give their total UV (`uv`), a whole number.
""", solution=Q8, expected=A.evaluate("q8", Q8), tolerance=0.5),
            A.written("q9", lesson=L, objective="L07.O4", section="7.3.2",
                      prompt="""
Last year we hosted an industry summit, EV07: 1,012 attendees, 25% of them CxO, cost
365,000 CNY, 36 leads (8 of them A-level), 20 clients reached, 52 follow-ups, 0 deals won.
Your manager asks you to host this year's event. In 6–8 sentences, plan it with the five
items of the hosting checklist, and say what your post-mortem (复盘) will report
afterwards, including one change you make because of EV07.
""",
                      rubric=[("Sets the theme first and invites an audience chosen for fit (decision-makers such as CTOs and CEOs), not size, syncing the attendee list every day", 1),
                              ("Breaks the tasks down with named owners (running the meeting, warm-up, venue set-up, articles, reception) and runs preparation from a checklist (site visit, our attendees, set-up, speaker slot and slides)", 1),
                              ("The post-mortem lists cost against return, clients reached, the client-level mix, follow-ups and the close rate", 1),
                              ("Names a shortcoming of EV07 (high cost, no won deals, few A-level leads) with a concrete improvement", 1)],
                      model_answer="""
I would first set a narrow theme, for example security operations for connected-car
makers, because a clear theme settles the audience and the execution. Invitations go to
CTOs and CEOs of target clients rather than to as many people as possible, and I sync
the attendee list with sales every day so that the room is neither empty nor
overcrowded. Then I break the event into parts with a named owner each: one person runs
the whole meeting, one does the warm-up, one the venue, one writes the articles and one
receives the guests. Preparation runs from our event checklist: site visit, who attends
for us, set-up, our speaker's slot and a check of the slides. Afterwards the post-mortem
lists the cost against the revenue won, the clients reached, the A/B/C mix of the leads,
the number of follow-ups and the close rate, then the shortcomings and what to improve.
EV07 spent 365,000 CNY on a big, mostly non-CxO room and won nothing, so this year I
would hold a smaller event of about 50 invited decision-makers for a fraction of the
cost, and have sales follow up every A-level lead within a week.
"""),
        ])
