"""Assessment 04-own-and-client-business: follows Lesson 04 (Know your own business and the client's)."""
from tobops.assess import authoring as A
ASSESSMENT = "04-own-and-client-business"
L = "L04"

# The lesson prints renewal rates by client size over 2023-2024; here only the 2024 renewals count.
Q7 = """
saas = load("saas_accounts")
due_2024 = saas[saas["renewal_due"] & saas["month"].str.startswith("2024")]
small_b = due_2024[due_2024["client_size"] == "small_b"]
q7 = round(small_b["renewed"].astype(bool).sum() / len(small_b), 3)
"""

# The lesson prints both won-deal medians over all clients; here only large clients count.
Q8 = """
deals = load("deals")
won_large = deals[(deals["stage"] == "won") & (deals["client_size"] == "large")]
medians = won_large.groupby("deal_model")["amount_cny"].median()
q8 = round(medians["project_one_off"] / medians["saas_subscription"], 1)
"""


def build():
    return A.assessment(
        ASSESSMENT, lesson=L, title="Know your own business and the client's", minutes=25,
        intro="""
Nine items: six multiple choice, two data tasks on the course datasets and one short
written answer. 22 points in all; the written answer (4 points) is graded by your
instructor against the rubric shown with it.
""",
        items=[
            A.choice("q1", lesson=L, objective="L04.O3", section="4.3", points=2,
                     prompt="""
According to seed 002, who usually buys a customer-service chatbot (客服聊天机器人), and how
does that buyer decide?
""",
                     options=["A revenue-generating department (业务营收部门), because the bot brings in sales",
                              "A cost department (费用部门), as a 'save money' (省钱) purchase: it compares the bot's cost with the cost of the people",
                              "The CEO, as a strategic investment in artificial intelligence",
                              "The IT department, as infrastructure bought like servers"],
                     answer="B"),
            A.choice("q2", lesson=L, objective="L04.O3", section="4.3", points=2,
                     prompt="""
A client's cost department is comparing your chatbot's price with its agents' wages, and
you are losing on price. What does seed 002 say gives the chatbot a 'make money' (挣钱)
side and makes it more competitive?
""",
                     options=["Cutting the price below the yearly cost of one agent",
                              "Supporting more languages so that it can serve more regions",
                              "Offering on-premise deployment instead of the cloud",
                              "Adding a proactive marketing-push feature (主动营销的推送功能) that helps the client convert more of its own customers"],
                     answer="D"),
            A.choice("q3", lesson=L, objective="L04.O1", section="4.2", points=2,
                     prompt="""
Your company moves from one-off projects (一锤子买卖) to a SaaS subscription model. Which
change should operations **not** expect, according to seed 002's description of SaaS?
""",
                     options=["Renewal (续费) becomes a constant pressure",
                              "After-sales service demands rise",
                              "The client-development cycle gets longer, because a subscription is a long commitment",
                              "Most clients are small businesses (小B客户)"],
                     answer="C"),
            A.choice("q4", lesson=L, objective="L04.O2", section="4.2", points=2,
                     prompt="""
Seed 003 describes a team of only 10 people that signs a 10-million-yuan project. Which
knowledge does the example say you need, before anything else?
""",
                     options=["The client's revenue model, to decide whether the pitch is save money or make money",
                              "Your own business: the team's resources and the company's processes, to judge whether you can deliver, whether to negotiate a compromise, and how to mobilise resources",
                              "The north-star metric, to see whether the deal moves it",
                              "Brand building: a deal that size should become a press release first"],
                     answer="B"),
            A.choice("q5", lesson=L, objective="L04.O4", section="4.3", points=2,
                     prompt="""
Which of these is **not** one of the four facts that seed 002 says you must find out about
a client's business before judging whether your product fits?
""",
                     options=["The client's revenue model (营收模式)",
                              "The specific department the product will serve",
                              "The profile of the client's own customers (客群画像)",
                              "The size of the client's social-media following, e.g. the followers of its WeChat official account",
                              "The real pain points in the client's daily work"],
                     answer="D"),
            A.choice("q6", lesson=L, objective="L04.O2", section="4.2", points=2,
                     prompt="""
Once operations has answered seed 002's five questions about its own business, the answers
turn into six pieces of recurring follow-on work. Which of these is **not** one of the six?
""",
                     options=["Allocating client resources (客户资源分配)",
                              "Finding and packaging cases (案例挖掘及包装)",
                              "Building one large WeChat fan group with all clients in it, to maximise member numbers",
                              "Developing potential client groups (潜在客群的开发)",
                              "Revenue statistics (营收统计)"],
                     answer="C"),
            A.numeric("q7", lesson=L, objective="L04.O5", section="4.2", points=3,
                      prompt="""
Using `saas_accounts` (`load("saas_accounts")`), take the rows where a renewal was due
(`renewal_due` is True) in a month of **2024** (`month` starts with `"2024"`). Compute the
renewal rate (续费率, renewed ÷ due, using the `renewed` column) of **small B** clients
(`client_size == "small_b"`), as a fraction between 0 and 1, rounded to 3 decimals
(e.g. `0.734`).
""", solution=Q7, expected=A.evaluate("q7", Q7), tolerance=0.001),
            A.numeric("q8", lesson=L, objective="L04.O1", section="4.2", points=3,
                      prompt="""
Using `deals` (`load("deals")`), take the **won** deals (`stage == "won"`) of **large**
clients (`client_size == "large"`). Compute the median `amount_cny` of the
`project_one_off` deals divided by the median `amount_cny` of the `saas_subscription` deals:
how many times larger is the typical one-off project (一锤子买卖) than the typical SaaS
deal, for large clients? Round to 1 decimal (e.g. `23.4`).
""", solution=Q8, expected=A.evaluate("q8", Q8), tolerance=0.1),
            A.written("q9", lesson=L, objective="L04.O3", section="4.3",
                      prompt="""
Choose one of our products (CRM, security-detection API, or document-collaboration SaaS;
not the customer-service chatbot, which seed 002 already works through) and one target
client (a kind of company, e.g. a chain of hotels). In 4–6 sentences: explain how that
client makes money (客户是怎么挣钱的), which department would buy or use the product,
whether the product saves the client money (省钱) or makes it money (挣钱) and why, and one
feature or angle that would add the other side.
""",
                      rubric=[("Describes the client's revenue model concretely (what it sells, to whom, how it is paid)", 1),
                              ("Names the department that would buy or use the product", 1),
                              ("Classifies the pitch as save money or make money correctly, with a reason tied to that department and revenue model", 1),
                              ("Gives a plausible feature or angle that adds the missing side, as the marketing push does for seed 002's chatbot", 1)],
                      model_answer="""
Product: our document-collaboration SaaS; client: a mid-size engineering-design firm. The
firm makes money from design fees: it bids for building projects and is paid by milestone
when its client approves each set of drawings, so its revenue depends on how many projects
its designers can carry and how fast approvals come back. The product would be bought by
the IT and administration department and used every day by the design teams. As it stands
it is a save-money purchase: it cuts the hours lost to emailing files, merging versions and
redoing work on outdated drawings, and IT will compare its price with that lost time. To
add a make-money side, we could offer a client-review portal in which the firm's own
clients comment on and approve drawings online: approvals come back days sooner, milestone
payments arrive earlier, and the same team can take on more projects.
"""),
        ])
