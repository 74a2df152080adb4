"""Assessment 06-sales-operations: follows Lesson 06 (The sales-operations arm).

Map ideas 6 and 7 are changed because the lesson prints their answers: the lesson shows
the mean quiz score and the hands-on pass rate by format (idea 6), and the advance rate
for every checklist score (idea 7). q7 asks for the hands-on pass-rate gap within one
session topic; q8 asks for the advance-rate gap for one checklist item (item 6, minutes).
"""
from tobops.assess import authoring as A
ASSESSMENT = "06-sales-operations"
L = "L06"

Q7 = """
training = load("training_assessments")
dashboard = training[(training["topic"] == "Data dashboard") & training["assessed"]]
pass_rate = dashboard.groupby("format")["hands_on_pass"].mean()
q7 = round((pass_rate["on_site"] - pass_rate["video"]) * 100, 1)
"""

Q8 = """
visits = load("client_visits")
advance_rate = visits.groupby("next_steps_and_minutes_sent")["advanced"].mean()
q8 = round((advance_rate[True] - advance_rate[False]) * 100, 1)
"""


def build():
    return A.assessment(
        ASSESSMENT, lesson=L, title="The sales-operations arm", minutes=25,
        intro="""
Nine items: six multiple choice, two data tasks on the course datasets and one short
written answer. 22 points in all; the written answer (4 points) is graded by your
instructor against the rubric shown with it.
""",
        items=[
            A.choice("q1", lesson=L, objective="L06.O1", section="6.2", points=2,
                     prompt="""
Seed 003 lists at least eight day-to-day tasks of sales operations, in a set order. Which
line gives tasks 4 to 7 in that order?
""",
                     options=["Client visits → pre-sales support → sales training → resource mobilisation",
                              "Pre-sales support → sales training → client visits → resource mobilisation",
                              "Sales training → pre-sales support → resource mobilisation → client visits",
                              "Pre-sales support → client visits → resource mobilisation → sales training"],
                     answer="B"),
            A.choice("q2", lesson=L, objective="L06.O4", section="6.2.5", points=2,
                     prompt="""
To save trainer time, your team wants to move the product training for sales reps from
on-site sessions (现场培训) to recorded videos (视频培训). Which statement matches seed 003?
""",
                     options=["Video is flexible but has no interaction; whatever the format, every session must end with an assessment (考核), such as answering questions or a hands-on operation",
                              "Videos need no assessment, because reps can re-watch them until they understand",
                              "On-site training is both more interactive and cheaper in time, so the switch is always a mistake",
                              "An assessment is only needed for new hires; experienced reps can skip it after either format"],
                     answer="A"),
            A.choice("q3", lesson=L, objective="L06.O3", section="6.2.6", points=2,
                     prompt="""
Which of these is **not** one of the six things seed 003 says every client visit (客户拜访)
must accomplish?
""",
                     options=["Analyse the client's business scenario and determine the real need",
                              "Learn the project's current progress",
                              "Know the project's roles and what each person cares about",
                              "Get the contract signed on the spot",
                              "Receive and record the client's product feedback",
                              "Confirm next steps and send the meeting minutes (会议纪要)"],
                     answer="D"),
            A.choice("q4", lesson=L, objective="L06.O2", section="6.2.4", points=2,
                     prompt="""
In step 02 of pre-sales support you set the communication strategy (沟通策略). Tomorrow you
meet the client's **CEO** for the first time. What does seed 003 advise?
""",
                     options=["Run a product training, walking through each feature",
                              "State both sides' interests directly (双方利益)",
                              "Show the API documentation and the architecture in detail",
                              "Talk only about price, since the CEO controls the budget"],
                     answer="B"),
            A.choice("q5", lesson=L, objective="L06.O5", section="6.2.7", points=2,
                     prompt="""
A client needs no customisation: it only wants to call our API. What does resource
mobilisation (资源调动) mean for this project, according to seed 003?
""",
                     options=["Define the split of work, name an owner for each part and form a joint project team",
                              "PR plus a few special content features written by content operations",
                              "Agree the price, then sign the agreement",
                              "Open a customisation project with R&D so that the API fits the client perfectly"],
                     answer="C"),
            A.choice("q6", lesson=L, objective="L06.O5", section="6.2.8", points=2,
                     prompt="""
A colleague ran a phishing-email drill covering every employee of a large client, and it
went far better than expected. What does seed 003 say should happen next?
""",
                     options=["Nothing special: it worked because of his personal skill, which cannot be written down",
                              "Post the story in a WeChat group of all our clients so that word of mouth spreads",
                              "Hand it to sales as a new talk track and move on to the next project",
                              "Fix the departments, owners and steps involved, so that it becomes a routine held at least once a year"],
                     answer="D"),
            A.numeric("q7", lesson=L, objective="L06.O4", section="6.2.5", points=3,
                      prompt="""
Using `training_assessments` (`load("training_assessments")`), keep the rows whose
`topic` is `"Data dashboard"` and that were assessed (`assessed == True`). Compute the
hands-on pass rate (share of `hands_on_pass == True`) for `format == "on_site"` minus the
rate for `format == "video"`, in **percentage points**, rounded to 1 decimal (e.g. `12.3`).
""", solution=Q7, expected=A.evaluate("q7", Q7), tolerance=0.1),
            A.numeric("q8", lesson=L, objective="L06.O3", section="6.2.6", points=3,
                      prompt="""
Using `client_visits` (`load("client_visits")`), compute the share of visits whose deal
advanced within 30 days (`advanced`) when checklist item 6 was done
(`next_steps_and_minutes_sent == True`), minus the same share when it was not done, in
**percentage points**, rounded to 1 decimal (e.g. `12.3`). Use all 300 visits.
""", solution=Q8, expected=A.evaluate("q8", Q8), tolerance=0.1),
            A.written("q9", lesson=L, objective="L06.O2", section="6.2.4",
                      prompt="""
Next week you go with a sales colleague to visit a connected-car (车联网) client whose deal
is at the **demo** stage. In the room will be the client's **CEO** (we have never met
them) and **two front-line users** (一线使用人员) of the monitoring system. Sales tells you:
"They just want a lower price for the monitoring module." Plan the visit in 6–8
sentences: how you prepare it with the three pre-sales steps, and what the visit itself
must achieve, up to what you send afterwards.
""",
                      rubric=[("Step 01, analyse: gathers the client's information (industry traits, business processes, size, revenue, basic needs) and the stakeholders' roles, and concludes on core need, intent and a product shortlist", 1),
                              ("Step 02, propose: a product proposal (may include products not asked for), the commercial strategy settled before the visit (direct/BD, paid/free, reputation/profit), and the communication strategy per attendee: CEO → both sides' interests, front-line users → product training", 1),
                              ("Step 03, materials matched to the demo stage and to these attendees (meeting PPT, brochure, demo, talk tracks)", 1),
                              ("The visit covers the six items: checks the real need instead of taking the relayed price request at face value, learns progress and roles, demos, records feedback, and ends with next steps confirmed and minutes sent", 1)],
                      model_answer="""
First I analyse the client: its industry traits and business processes in connected cars,
its size and revenue, and who the stakeholders are and what role each plays, so that I
can judge its core need, how serious its intent is and which of our products fit. Then I
propose: the monitoring module plus any product that couples strongly with their
processes even if they did not ask for it; with sales I settle the commercial strategy
before we go (direct sale or BD, paid or free, reputation or profit); and I set a
communication strategy per person: with the CEO we state both sides' interests directly,
for the front-line users we run a short product training. Third, I prepare materials for
the demo stage and these attendees: a short meeting PPT on outcomes and interests for the
CEO, the brochure, and a live demo with a talk track for the users. At the visit I do not
take "a lower price" as the real need: I analyse their scenario to find what they really
need, learn where the project stands and whether it can continue, map who decides what,
run the demo and training, and record the users' product feedback for our product team.
We close by confirming next steps, and I send the meeting minutes the same day.
"""),
        ])
