"""The course's synthetic datasets: schemas, the generator, loaders and signal checks.

Sixteen CSV files (D1..D15; D8 is two files) describe one fictional ToB software company
in 2023-2024. Everything is generated here, deterministically: every dataset has its own
fixed seed (``numpy.random.default_rng(seed)``), no wall clock is read, and the CSV text is
formatted explicitly, so ``build()`` writes the same bytes on every machine.

    from tobops.content.datasets import load
    deals = load("deals")              # typed DataFrame, checked against its schema

    python -m tobops.content.datasets build [--out DIR] [--check]     (also: tobops data build)

Lessons rely on "built-in signals" (e.g. win rate rises with the number of purchase roles
met); :func:`verify_signals` checks every one of them and the tests run it.
"""
from __future__ import annotations

import argparse
import io
import math
import re
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "Column", "Dataset", "DatasetError", "DATASETS", "data_dir", "generate", "build", "load",
    "validate", "verify_signals", "data_dictionary_markdown", "main",
]


# =====================================================================================
# Schemas
# =====================================================================================

@dataclass(frozen=True)
class Column:
    """One column of a dataset. ``dtype`` is one of str, int, float, bool, date, datetime,
    category; ``decimals`` is how many decimals a float column is written with."""
    name: str
    dtype: str
    unit: str
    meaning: str
    nullable: bool = False
    categories: tuple[str, ...] = ()
    decimals: int = 2


@dataclass(frozen=True)
class Dataset:
    """One CSV file: its id in the curriculum map (D1..D15), seed and columns."""
    name: str
    filename: str
    id: str
    title: str
    description: str
    lessons: tuple[str, ...]
    seed: int
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


class DatasetError(ValueError):
    """A dataset file is missing or does not match its schema. The message names the file,
    and where relevant the column, the row and the bad value, and says what was expected."""


START = date(2023, 1, 1)
END = date(2024, 12, 31)

INDUSTRIES = ("gaming", "connected_car", "retail", "finance", "manufacturing", "education", "government")
SIZES = ("small_b", "mid", "large")
MODELS = ("project_one_off", "saas_subscription")
PROJECT, SAAS = MODELS
STAGES = ("lead", "qualified", "solution", "demo", "negotiation", "won", "lost")
OPEN_STAGES = STAGES[:5]
CONTACT_TYPES = ("decision_maker", "admin", "business_user")
CHANNELS = ("conference_attend", "conference_host", "website", "sem", "partner_platform",
            "referral_case", "sales_outreach", "content")
ROLES = ("user", "evaluator", "budget_holder", "final_decider", "signer")
TITLES = ("CEO", "CTO", "CFO", "IT_manager", "dept_head", "frontline_user", "procurement")
TITLE_TYPE = {"CEO": "decision_maker", "CTO": "decision_maker", "CFO": "decision_maker",
              "IT_manager": "admin", "procurement": "admin",
              "dept_head": "business_user", "frontline_user": "business_user"}
VISIT_ACTIONS = ("product_training", "demo", "interests_discussion", "negotiation", "none")
EVENT_FORMATS = ("expo", "industry_summit", "cxo_roundtable", "seed_user_salon", "webinar")
CONTENT_TYPES = ("event_report", "tech_product_sharing", "people_profile", "story_sharing",
                 "event_marketing", "industry_summary", "ops_data_report")
CONTENT_CHANNELS = ("website", "wechat_oa", "weibo", "zhihu", "vertical_media")
TICKET_CHANNELS = ("qq_group", "wechat_group", "phone", "email")
TICKET_CATEGORIES = ("how_to", "fault", "misuse_feature_request", "implementation", "maintenance")
SERVICE_ASPECTS = ("training", "implementation", "exception_response", "maintenance")
ROUTES = ("rnd", "product", "ops_self_serve")
BUSINESSES = ("food_delivery_tool", "ride_hailing_b", "marketing_saas")
NSM = {"food_delivery_tool": "orders_placed", "ride_hailing_b": "driver_accepted_orders",
       "marketing_saas": "active_merchants"}
CANDIDATES = ("orders_placed", "driver_accepted_orders", "active_merchants", "app_downloads",
              "page_views", "community_group_messages", "registered_drivers", "trial_signups")
BUSINESS_CANDIDATES = {
    "food_delivery_tool": ("orders_placed", "app_downloads", "page_views", "community_group_messages"),
    "ride_hailing_b": ("driver_accepted_orders", "registered_drivers", "app_downloads", "community_group_messages"),
    "marketing_saas": ("active_merchants", "trial_signups", "page_views", "community_group_messages"),
}
SEED_ROLES = ("brand_spokesperson", "content_creator", "content_sharer", "content_consumer")
OPS_TYPES = ("content", "user", "event", "product", "new_media", "seo_sem", "ground_promo",
             "customer_service", "misc_odd_job")
N_REPS = 40
REP_IDS = tuple(f"R{i:02d}" for i in range(1, N_REPS + 1))


def _c(name, dtype, unit, meaning, nullable=False, categories=(), decimals=2) -> Column:
    return Column(name, dtype, unit, meaning, nullable, tuple(categories), decimals)


def _cat(name, categories, meaning, nullable=False) -> Column:
    return Column(name, "category", "-", meaning, nullable, tuple(categories))


_DEALS = Dataset(
    "deals", "deals.csv", "D1", "The opportunity pipeline",
    "One row per sales opportunity (deal) opened in 2023-2024, with its stage as of 2024-12-31. "
    "Project deals are one-off, usually customised, paid once; SaaS deals are subscriptions whose "
    "amount is the first-year contract value. Accounts keep the same id, name, industry and size "
    "in every dataset.",
    ("L2", "L3", "L4", "L5", "L6", "L8"), 20240101, (
        _c("deal_id", "str", "-", "Deal id D0001..., numbered in order of created_date."),
        _c("account_id", "str", "-", "Client account id A001...; the same account in D3, D7, D12 and D13."),
        _c("account_name", "str", "-", "Fictional client company name."),
        _cat("industry", INDUSTRIES, "Client industry."),
        _cat("client_size", SIZES, "Client size: small_b = small business, mid, large."),
        _c("company_size_employees", "int", "people",
           "Employees of the client company (small_b 10-200, mid 200-2,000, large 2,000-50,000)."),
        _cat("deal_model", MODELS, "project_one_off = one-off project; saas_subscription = subscription."),
        _c("created_date", "date", "date", "Day the opportunity was opened."),
        _c("close_date", "date", "date", "Day the deal was won or lost; empty while open.", nullable=True),
        _cat("stage", STAGES, "Stage on 2024-12-31: lead, qualified, solution, demo, negotiation are open; "
                              "won and lost are closed."),
        _c("won", "bool", "-", "True = won, False = lost, empty while the deal is open.", nullable=True),
        _c("amount_cny", "int", "CNY", "Project: contract value; SaaS: first-year contract value "
                                       "(open deals: the expected value)."),
        _c("cycle_days", "int", "days", "close_date minus created_date (0 = closed the same day); "
                                        "empty while open.", nullable=True),
        _c("days_in_stage", "int", "days", "Open deals: days in the current stage as of 2024-12-31; "
                                           "closed deals: days from the last stage change to the close."),
        _cat("primary_contact_type", CONTACT_TYPES, "Customer type of the main client contact."),
        _c("decision_roles_involved", "int", "roles",
           "How many of the 5 purchase roles take part as separate people (= the deal's rows in D2); "
           "small SaaS buyers merge roles, project deals have all 5."),
        _c("roles_met", "int", "roles", "How many distinct purchase roles were met in person "
                                        "(D2 rows with met == True), 0-5."),
        _cat("source_channel", CHANNELS, "Where the opportunity came from (conference_attend = an event we "
                                         "attended, conference_host = an event we hosted)."),
        _c("lighthouse_reference_used", "bool", "-", "A well-known reference client's case "
                                                     "(lighthouse case) was used in the sale."),
        _c("ops_supported", "bool", "-", "Operations staff supported the deal (materials, visits, events)."),
        _c("presales_prep_done", "bool", "-", "Pre-sales preparation (client analysis, proposal, materials) "
                                              "was done before the first visit."),
        _c("rep_id", "str", "-", "Sales rep R01-R40 (the same ids as in D10)."),
    ))

_STAKEHOLDERS = Dataset(
    "deal_stakeholders", "deal_stakeholders.csv", "D2", "The five purchase roles",
    "One row per purchase role that takes part in a deal as a separate person. Project deals have "
    "exactly one row for each of the 5 roles; small SaaS buyers merge roles, so one person (flagged "
    "merged_role) also covers roles that have no row of their own.",
    ("L2", "L6"), 20240102, (
        _c("deal_id", "str", "-", "Deal id (-> D1)."),
        _c("stakeholder_id", "str", "-", "Stakeholder id S0001..."),
        _cat("purchase_role", ROLES, "user 使用方 uses the product; evaluator 评估方 evaluates it; budget_holder "
                                     "预算方 owns the budget; final_decider 拍板方 makes the final call; "
                                     "signer 签字方 signs the contract."),
        _cat("person_title", TITLES, "Job title of the person holding the role."),
        _cat("customer_type", CONTACT_TYPES, "Customer type from the title: CEO/CTO/CFO = decision_maker, "
                                             "IT_manager/procurement = admin, dept_head/frontline_user = "
                                             "business_user."),
        _c("merged_role", "bool", "-", "This person also holds roles that have no row of their own "
                                       "(e.g. a small company's CEO who also budgets and signs)."),
        _c("met", "bool", "-", "Our side met this person in person."),
        _cat("met_by", ("sales", "ops", "both", "none"), "Who met them: sales, operations, both, or none."),
        _cat("visit_action", VISIT_ACTIONS, "Main thing done with this person on the visit; none if not met."),
    ))

_SAAS = Dataset(
    "saas_accounts", "saas_accounts.csv", "D3", "The monthly SaaS panel",
    "One row per SaaS account and month, January 2023 to December 2024: the 150 accounts that were "
    "already subscription customers at the start of 2023 (customers won later appear in D1 and D7 "
    "only). Every account renews once a year, in the month of its renewal_date; an account that does "
    "not renew churns and pays nothing from that month on.",
    ("L4", "L8"), 20240103, (
        _c("account_id", "str", "-", "Account id (-> D1 account_id)."),
        _c("month", "str", "YYYY-MM", "Calendar month, 2023-01 ... 2024-12."),
        _cat("industry", INDUSTRIES, "Client industry (as in D1)."),
        _cat("client_size", SIZES, "Client size (as in D1)."),
        _c("is_key_account", "bool", "-", "One of the 15 key accounts (about 10% of accounts, about half of MRR)."),
        _cat("plan", ("basic", "pro", "enterprise"), "Subscription plan."),
        _c("mrr_cny", "int", "CNY/month", "Monthly recurring revenue (300-50,000 while active; 0 once churned)."),
        _c("seats", "int", "seats", "Licensed seats (3-500 while active; 0 once churned)."),
        _c("active_users", "int", "users", "Users active in the month (active usage; never more than seats)."),
        _c("active_merchants", "int", "merchants", "Retail accounts only (they use the marketing features): "
                                                   "their merchants/stores active in the month; empty for "
                                                   "other accounts.", nullable=True),
        _c("tickets_opened", "int", "tickets", "Support tickets opened in the month (= the account's rows in D7)."),
        _c("median_first_response_min", "float", "minutes", "Median first_response_min of those tickets; "
                                                            "empty when no ticket was opened.",
           nullable=True, decimals=1),
        _c("trained", "bool", "-", "The client's staff had been trained by this month (service aspect 1)."),
        _c("renewal_date", "date", "date", "The contract's annual renewal day, shown in 2024; the account is "
                                           "due in that month of 2023 and, unless it churned, of 2024."),
        _c("renewal_due", "bool", "-", "The annual contract is up for renewal this month."),
        _c("renewed", "bool", "-", "Renewed (True) or not (False); empty when not due.", nullable=True),
        _c("churned", "bool", "-", "True from the month of a missed renewal onwards."),
        _c("csat", "float", "1-5", "Monthly client-satisfaction score; empty once churned.",
           nullable=True, decimals=1),
    ))

_EVENTS = Dataset(
    "events", "events.csv", "D4", "Conferences and events",
    "One row per conference or event we attended (someone else's) or hosted, 2023-2024. "
    "Leads collected at each event are in D5 (leads.event_id).",
    ("L7",), 20240104, (
        _c("event_id", "str", "-", "Event id EV01..., in date order."),
        _c("date", "date", "date", "Day of the event."),
        _cat("mode", ("attend", "host"), "attend = we took part in someone else's event; host = we organised it."),
        _cat("event_format", EVENT_FORMATS, "Kind of event."),
        _c("theme", "str", "-", "Theme or title of the event."),
        _c("attendee_count", "int", "people", "Attendees (15-5,000)."),
        _c("share_cxo", "float", "share 0-1", "Share of attendees who are CxO (CEO, CTO, ...), 0-0.9."),
        _c("cost_cny", "int", "CNY", "Total cost: fees, booth or venue, travel, materials."),
        _c("speaker_slot", "bool", "-", "We had a speaking slot."),
        _c("checklist_completion", "float", "share 0-1", "Share of the preparation checklist completed."),
        _c("invite_list_synced_daily", "bool", "-", "Hosted events: the invitation list was synced with sales "
                                                    "every day; empty for attended events.", nullable=True),
        _c("warmup_owner", "str", "-", "Hosted events: staff id owning the warm-up promotion; empty = nobody "
                                       "(always empty for attended events).", nullable=True),
        _c("onsite_owner", "str", "-", "Hosted events: staff id owning the on-site running; empty = nobody.",
           nullable=True),
        _c("writeup_owner", "str", "-", "Hosted events: staff id owning the write-up; empty = nobody.",
           nullable=True),
        _c("reception_owner", "str", "-", "Hosted events: staff id owning guest reception; empty = nobody.",
           nullable=True),
    ))

_LEADS = Dataset(
    "leads", "leads.csv", "D5", "Leads",
    "One row per sales lead, 2023-2024, from events (event_id set) and other channels. A lead that "
    "became an opportunity points to its deal in D1; won and won_amount_cny repeat that deal's outcome.",
    ("L7", "L2"), 20240105, (
        _c("lead_id", "str", "-", "Lead id L0001..., in order of created_date."),
        _c("event_id", "str", "-", "Event the lead came from (-> D4); empty for other channels.", nullable=True),
        _cat("channel", CHANNELS, "Lead channel (the same values as D1 source_channel)."),
        _c("created_date", "date", "date", "Day the lead was recorded."),
        _cat("lead_level", ("A", "B", "C"), "Client level: A = large/strategic, B = mid, C = small."),
        _cat("title_level", ("CxO", "director", "manager", "staff"), "Seniority of the lead's contact person."),
        _c("followed_up", "bool", "-", "Sales or operations followed the lead up at least once."),
        _c("followup_count", "int", "contacts", "Number of follow-up contacts."),
        _c("converted_deal_id", "str", "-", "The opportunity the lead became (-> D1 deal_id); empty if none.",
           nullable=True),
        _c("won", "bool", "-", "The converted deal was won."),
        _c("won_amount_cny", "int", "CNY", "Amount of the won deal (D1 amount_cny); 0 if not won."),
    ))

_CONTENT = Dataset(
    "content", "content.csv", "D6", "Content pieces",
    "One row per published content piece, 2023-2024, with its reach. Readers are unique readers "
    "(reads_targeted + reads_untargeted = uv); targeted readers belong to the target audience "
    "(people at target client companies).",
    ("L2", "L5", "L7"), 20240106, (
        _c("content_id", "str", "-", "Content id C001..., in order of publish_date."),
        _c("publish_date", "date", "date", "Day the piece was published."),
        _cat("content_type", CONTENT_TYPES, "The 7 content types of L7."),
        _cat("channel", CONTENT_CHANNELS, "Where it was published (wechat_oa = WeChat official account)."),
        _c("pv", "int", "views", "Page views (50-20,000)."),
        _c("uv", "int", "readers", "Unique readers (never more than pv)."),
        _c("reads_targeted", "int", "readers", "Readers from the target audience."),
        _c("reads_untargeted", "int", "readers", "All other readers."),
        _c("target_share", "float", "share 0-1", "reads_targeted / (reads_targeted + reads_untargeted).",
           decimals=3),
        _c("media_reposts", "int", "reposts", "Reposts by media accounts (0-40)."),
        _c("exposure", "int", "impressions", "Impressions, including reposts."),
        _c("baidu_index", "int", "index", "Baidu Index of the brand keyword for the month of publication "
                                          "(the same for every piece of that month)."),
        _c("leads", "int", "leads", "Sales leads attributed to the piece (0-25)."),
        _c("tech_heads_reached", "int", "readers", "Targeted readers who are technical heads (CTO, IT managers)."),
    ))

_TICKETS = Dataset(
    "tickets", "tickets.csv", "D7", "Support tickets",
    "One row per support ticket, 2023-2024: the record-and-classify source. Tickets come from the "
    "D3 SaaS accounts and from clients who won a project or a new subscription in D1 (after the win).",
    ("L8", "L4"), 20240107, (
        _c("ticket_id", "str", "-", "Ticket id T0001..., in order of created_at."),
        _c("account_id", "str", "-", "Client account (-> D1; the SaaS panel accounts are also in D3)."),
        _c("created_at", "datetime", "date-time", "When the ticket was opened."),
        _cat("channel", TICKET_CHANNELS, "How the client reached us."),
        _cat("category", TICKET_CATEGORIES, "how_to = usage question; fault = something broken; "
                                            "misuse_feature_request = misunderstanding or new-feature request; "
                                            "implementation = set-up or integration; maintenance = upkeep."),
        _cat("service_aspect", SERVICE_ASPECTS, "The customer-service aspect of seed 001 it belongs to."),
        _cat("routed_to", ROUTES, "rnd = R&D; product = product team; ops_self_serve = operations answers "
                                  "with a tutorial or self-serve help."),
        _c("tutorial_sent", "bool", "-", "A tutorial or help-document link was sent."),
        _c("remote_assist", "bool", "-", "We helped remotely (screen sharing)."),
        _c("first_response_min", "int", "minutes", "Minutes until the first reply (1-600)."),
        _c("resolve_hours", "float", "hours", "Hours until the ticket was resolved.", decimals=1),
        _c("ticket_text", "str", "-", "Short text of the request, as the client wrote it."),
        _c("csat", "int", "1-5", "Client satisfaction with the ticket, 1-5."),
    ))

_FUNNEL = Dataset(
    "toc_funnel", "toc_funnel.csv", "D8", "A consumer app's daily funnel (the ToC contrast)",
    "One row per day of 2024 for a fictional consumer (ToC) shopping app, for comparison with the "
    "ToB tables: AARRR volumes per day. Retention counts refer to the users acquired that day.",
    ("L1", "L2", "L3"), 20240108, (
        _c("date", "date", "date", "Day (every day of 2024)."),
        _c("visits", "int", "visits", "App and web visits."),
        _c("acquisitions", "int", "users", "New users who signed up that day (拉新), 50,000-200,000."),
        _c("signups", "int", "users", "The same number under the product team's name for it."),
        _c("activations", "int", "users", "New users who completed the first key action that day."),
        _c("d1_retained", "int", "users", "Of that day's new users, those active the next day."),
        _c("d7_retained", "int", "users", "Of that day's new users, those active 7 days later."),
        _c("paying_users", "int", "users", "Users who paid that day."),
        _c("orders", "int", "orders", "Orders placed that day."),
        _c("revenue_cny", "int", "CNY", "Revenue that day."),
        _c("avg_order_value_cny", "float", "CNY", "revenue_cny / orders."),
        _c("median_days_to_purchase", "float", "days", "Median days from sign-up to first purchase of that "
                                                       "day's first-time buyers (impulse buying: 0-3).",
           decimals=1),
        _c("referrals", "int", "users", "New users invited by existing users."),
    ))

_COHORTS = Dataset(
    "toc_cohorts", "toc_cohorts.csv", "D8", "The consumer app's weekly sign-up cohorts",
    "One row per weekly sign-up cohort and day offset 0-30: the 52 cohorts from 2023-12-04 to "
    "2024-11-25, whose 30-day windows all end by 2024-12-31. Cohorts in 2024 add up the daily "
    "acquisitions of toc_funnel.csv.",
    ("L1", "L2", "L3"), 20240108, (
        _c("cohort_week", "date", "date", "Monday on which the cohort's sign-up week starts."),
        _c("day_offset", "int", "days", "Days after each user's sign-up day, 0-30."),
        _c("cohort_size", "int", "users", "Users who signed up in that week."),
        _c("active_users", "int", "users", "Cohort users active day_offset days after signing up "
                                            "(day 0 = cohort_size)."),
    ))

_METRICS = Dataset(
    "metrics_weekly", "metrics_weekly.csv", "D9", "North-star candidates",
    "Weekly metrics of three fictional businesses in 2024, one row per business and ISO week. Each "
    "business has four candidate metrics; a candidate that does not apply to a business is empty (NaN).",
    ("L3",), 20240109, (
        _cat("business", BUSINESSES, "food_delivery_tool = an Ele.me-type tool for restaurants; ride_hailing_b "
                                     "= a ride-hailing platform's driver side; marketing_saas = a marketing SaaS."),
        _c("week", "str", "YYYY-Www", "ISO week, 2024-W01 ... 2024-W52."),
        _c("orders_placed", "float", "orders", "Orders placed by end users (food_delivery_tool).",
           nullable=True, decimals=0),
        _c("driver_accepted_orders", "float", "orders", "Orders accepted by drivers (ride_hailing_b).",
           nullable=True, decimals=0),
        _c("active_merchants", "float", "merchants", "Merchants using the product that week (marketing_saas).",
           nullable=True, decimals=0),
        _c("app_downloads", "float", "downloads", "App downloads.", nullable=True, decimals=0),
        _c("page_views", "float", "views", "Website and app page views.", nullable=True, decimals=0),
        _c("community_group_messages", "float", "messages", "Messages in the client WeChat groups.",
           nullable=True, decimals=0),
        _c("registered_drivers", "float", "drivers", "Drivers newly registered that week (ride_hailing_b).",
           nullable=True, decimals=0),
        _c("trial_signups", "float", "sign-ups", "Free-trial sign-ups (marketing_saas).",
           nullable=True, decimals=0),
        _c("revenue_cny", "int", "CNY", "Revenue that week."),
        _c("renewals", "float", "contracts", "Contracts renewed that week (marketing_saas only).",
           nullable=True, decimals=0),
    ))

_TRAINING = Dataset(
    "training_assessments", "training_assessments.csv", "D10", "Train, then assess",
    "One row per sales rep and training session: 40 reps x 8 sessions (one product module each), taken "
    "on site or as a video, and the assessment that should follow every session. The 90-day results "
    "are counted from the rep's deals in D1.",
    ("L6",), 20240110, (
        _c("rep_id", "str", "-", "Sales rep R01-R40 (-> D1 rep_id)."),
        _c("session_id", "str", "-", "Session S01-S08 (the same session is given on site and as a video)."),
        _c("session_date", "date", "date", "Day the rep took the session (video: within two weeks)."),
        _c("topic", "str", "-", "Product module taught."),
        _cat("format", ("on_site", "video"), "on_site = trainer in the room; video = recorded session."),
        _c("duration_min", "int", "minutes", "Length of the session."),
        _c("trainer_hours", "float", "hours", "Trainer time for the whole on-site session including preparation, "
                                              "the same on every on-site row of the session; 0 for video.",
           decimals=1),
        _c("production_cost_cny", "int", "CNY", "One-off cost of producing the session's video, the same on every "
                                                "video row of the session; 0 for on site."),
        _c("assessed", "bool", "-", "The rep was assessed after the session (should always be True)."),
        _c("quiz_score", "float", "points 0-100", "Post-training quiz score; empty when not assessed.",
           nullable=True, decimals=0),
        _c("hands_on_pass", "bool", "-", "Passed the hands-on check; empty when not assessed.", nullable=True),
        _c("wins_next_90d", "int", "deals", "The rep's D1 deals won within 90 days after session_date."),
        _c("opps_next_90d", "int", "deals", "The rep's D1 deals closed (won or lost) within those 90 days."),
    ))

_CHECKLIST = ("real_need_confirmed", "progress_checked", "roles_mapped", "intro_demo_or_negotiation_done",
              "feedback_recorded", "next_steps_and_minutes_sent")
_VISITS = Dataset(
    "client_visits", "client_visits.csv", "D11", "Client visits and the 6-item checklist",
    "One row per client visit by sales (and sometimes operations), 2023-2024, with the 6 things a visit "
    "must accomplish and where the deal stood before and 30 days after.",
    ("L6",), 20240111, (
        _c("visit_id", "str", "-", "Visit id V001..., in order of visit_date."),
        _c("deal_id", "str", "-", "Deal visited (-> D1)."),
        _c("visit_date", "date", "date", "Day of the visit."),
        _c("ops_attended", "bool", "-", "Someone from operations came along."),
        _c("attendee_titles", "str", "-", "Titles of the client people present, separated by '; ' (from D2)."),
        _c("real_need_confirmed", "bool", "-", "1. The real need was analysed and confirmed."),
        _c("progress_checked", "bool", "-", "2. The project's current progress was learned."),
        _c("roles_mapped", "bool", "-", "3. The project's roles were mapped."),
        _c("intro_demo_or_negotiation_done", "bool", "-", "4. Intro, training, demo or negotiation, by stage and role."),
        _c("feedback_recorded", "bool", "-", "5. The client's product feedback was recorded."),
        _c("next_steps_and_minutes_sent", "bool", "-", "6. Next steps confirmed and meeting minutes sent."),
        _c("checklist_score", "int", "items 0-6", "Number of the 6 items done."),
        _cat("stage_before", OPEN_STAGES, "Deal stage on the visit day."),
        _cat("stage_after_30d", STAGES, "Deal stage 30 days after the visit."),
        _c("advanced", "bool", "-", "The deal moved forward within 30 days (a later stage, or won)."),
    ))

_CASES = Dataset(
    "case_library", "case_library.csv", "D12", "Customer cases",
    "One row per customer case collected by operations: a measured before/after effect (in percent; "
    "every metric is higher-is-better) and what material exists for it.",
    ("L5",), 20240112, (
        _c("case_id", "str", "-", "Case id CS01..."),
        _c("account_id", "str", "-", "Client account (-> D1)."),
        _cat("industry", INDUSTRIES, "Client industry (as in D1)."),
        _c("metric_name", "str", "-", "What was measured (higher is better)."),
        _c("before_value", "float", "%", "Value before our product.", decimals=1),
        _c("after_value", "float", "%", "Value after.", decimals=1),
        _c("has_story", "bool", "-", "A written case story exists (not just the numbers)."),
        _c("client_named_consent", "bool", "-", "The client agreed to be named."),
        _c("quote_available", "bool", "-", "A quote from the client is available."),
        _c("verified", "bool", "-", "The numbers were checked with the client's data."),
    ))

_SEED_USERS = Dataset(
    "seed_users", "seed_users.csv", "D13", "The seed-user system",
    "One row per seed user: people at SaaS client accounts who take part in our user community, by "
    "role in the seed-user system, with their activity and the incentives they received.",
    ("L8",), 20240113, (
        _c("user_id", "str", "-", "Seed-user id U001..."),
        _c("account_id", "str", "-", "Their company (-> D3)."),
        _cat("seed_role", SEED_ROLES, "Role in the seed-user system."),
        _c("joined_date", "date", "date", "Day they joined the seed-user programme."),
        _c("posts_created", "int", "posts", "Posts and articles they created."),
        _c("shares", "int", "shares", "Times they shared our content."),
        _c("gifts_received", "int", "gifts", "Gifts received from us."),
        _c("early_access", "bool", "-", "Given early access to new features."),
        _c("review_reports_submitted", "int", "reports", "Product review reports they submitted."),
        _c("review_followed_up", "bool", "-", "We followed up on their review reports."),
        _c("active_last_90d", "bool", "-", "Active in the community in the 90 days to 2024-12-31."),
    ))

_WORKLOG = Dataset(
    "ops_worklog", "ops_worklog.csv", "D14", "\"Is operations just odd jobs?\"",
    "One row per task logged by three operations employees over 12 weeks (2024-03-04 to 2024-05-24).",
    ("L1",), 20240114, (
        _c("date", "date", "date", "Work day."),
        _cat("employee_id", ("E01", "E02", "E03"), "Employee."),
        _c("week", "int", "week 1-12", "Week of the log, 1-12."),
        _c("task", "str", "-", "What was done."),
        _cat("ops_type", OPS_TYPES, "Kind of operations work; misc_odd_job = odd jobs outside any specialism."),
        _c("minutes", "int", "minutes", "Time spent (10-240)."),
    ))

_PLAN = Dataset(
    "content_plan", "content_plan.csv", "D15", "The annual content plan",
    "The 2024 week-by-week content plan: one row per week and persona (the 3 customer types of seed 001), "
    "as it stood at the end of week 40. An empty planned_topic is an empty cell in the plan.",
    ("L8",), 20240115, (
        _c("week", "int", "week 1-52", "Week of 2024."),
        _cat("persona", CONTACT_TYPES, "Reader persona the piece is for."),
        _c("planned_topic", "str", "-", "Planned topic; empty = nothing planned.", nullable=True),
        _cat("source", ("self_written", "user_created", "other"), "Who produces it; empty if nothing planned.",
             nullable=True),
        _cat("format", ("text", "video", "comics"), "Format; empty if nothing planned.", nullable=True),
        _c("writer", "str", "-", "Staff id of the writer; empty if nothing planned.", nullable=True),
        _c("supervisor", "str", "-", "Staff id of the editor responsible for the persona."),
        _cat("status", ("planned", "done", "skipped"), "done / skipped for weeks 1-40, planned after."),
    ))

DATASETS: dict[str, Dataset] = {d.name: d for d in (
    _DEALS, _STAKEHOLDERS, _SAAS, _EVENTS, _LEADS, _CONTENT, _TICKETS, _FUNNEL, _COHORTS, _METRICS,
    _TRAINING, _VISITS, _CASES, _SEED_USERS, _WORKLOG, _PLAN)}

_ROW_RANGES = {  # the map's approximate row counts, as accepted ranges
    "deals": (570, 630), "deal_stakeholders": (2200, 2600), "saas_accounts": (3600, 3600),
    "events": (40, 40), "leads": (1900, 2100), "content": (180, 180), "tickets": (1350, 1650),
    "toc_funnel": (365, 366), "toc_cohorts": (52 * 31, 52 * 31), "metrics_weekly": (156, 156),
    "training_assessments": (320, 320), "client_visits": (300, 300), "case_library": (60, 60),
    "seed_users": (200, 200), "ops_worklog": (600, 600), "content_plan": (156, 156),
}


# =====================================================================================
# Small helpers
# =====================================================================================

def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(DATASETS[name].seed)


def _pick(rng: np.random.Generator, options, p=None):
    """One element of ``options`` (a sequence), with probabilities ``p`` (normalised)."""
    if p is None:
        return options[int(rng.integers(len(options)))]
    w = np.asarray(p, dtype=float)
    return options[int(rng.choice(len(options), p=w / w.sum()))]


def _days(d: date, n: int) -> date:
    return d + timedelta(days=int(n))


def _rand_date(rng: np.random.Generator, lo: date, hi: date) -> date:
    return _days(lo, rng.integers(0, (hi - lo).days + 1))


def _month_start(y: int, m: int) -> date:
    return date(y, m, 1)


def _month_end(y: int, m: int) -> date:
    return date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)


def _clip(x, lo, hi):
    return min(max(x, lo), hi)


def _poisson_u(u: float, lam: float) -> int:
    """A Poisson(lam) count from one uniform number u (inversion), so that changing lam
    never shifts the rest of the random stream."""
    k, p = 0, math.exp(-lam)
    c = p
    while u > c and k < 1000:
        k += 1
        p *= lam / k
        c += p
    return k


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# =====================================================================================
# D4 events (generated first: deals and leads refer to them)
# =====================================================================================

_EVENT_THEMES = {
    "expo": ("China Digital Economy Expo", "Smart Industry Fair", "Cloud & Software Expo", "Retail Tech Expo"),
    "industry_summit": ("{ind} Digital Summit", "{ind} Data Security Forum", "{ind} Cloud Conference"),
    "cxo_roundtable": ("CIO roundtable: data security in {ind}", "CEO dinner: growth in {ind}",
                       "CTO roundtable: cloud costs in {ind}"),
    "seed_user_salon": ("Seed-user salon: power tips", "User salon: {ind} best practice",
                        "Product salon: what's new"),
    "webinar": ("Webinar: getting started in {ind}", "Webinar: reporting made simple",
                "Webinar: automating {ind} workflows"),
}
_IND_LABEL = {"gaming": "Gaming", "connected_car": "Connected Car", "retail": "Retail", "finance": "Finance",
              "manufacturing": "Manufacturing", "education": "Education", "government": "Government"}
_STAFF = ("E01", "E02", "E03", "E04", "E05", "E06")


def _event_attrs(rng, fmt: str, mode: str) -> dict:
    if fmt == "expo":
        attendees, cxo, cost = rng.integers(1200, 5001), rng.uniform(0.02, 0.12), rng.uniform(180_000, 600_000)
    elif fmt == "industry_summit":
        attendees, cxo = rng.integers(250, 1201), rng.uniform(0.12, 0.35)
        cost = rng.uniform(200_000, 450_000) if mode == "host" else rng.uniform(40_000, 140_000)
    elif fmt == "cxo_roundtable":
        attendees, cxo, cost = rng.integers(15, 41), rng.uniform(0.6, 0.9), rng.uniform(25_000, 80_000)
    elif fmt == "seed_user_salon":
        attendees, cxo, cost = rng.integers(30, 91), rng.uniform(0.15, 0.4), rng.uniform(15_000, 50_000)
    else:  # webinar
        attendees, cxo, cost = rng.integers(120, 601), rng.uniform(0.05, 0.2), rng.uniform(15_000, 45_000)
    hosted = mode == "host"
    owners = {}
    for role, p_missing in (("warmup_owner", 0.12), ("onsite_owner", 0.05), ("writeup_owner", 0.3),
                            ("reception_owner", 0.15)):
        owners[role] = (_pick(rng, _STAFF) if rng.random() >= p_missing else None) if hosted else None
    ind = _pick(rng, INDUSTRIES)
    theme = _pick(rng, _EVENT_THEMES[fmt]).format(ind=_IND_LABEL[ind])
    return {
        "mode": mode, "event_format": fmt, "theme": theme, "attendee_count": int(attendees),
        "share_cxo": round(float(cxo), 2), "cost_cny": int(round(cost, -3)),
        "speaker_slot": True if hosted else bool(rng.random() < (0.45 if fmt == "industry_summit" else 0.2)),
        "checklist_completion": round(float(rng.uniform(0.5, 1.0)), 2),
        "invite_list_synced_daily": bool(rng.random() < 0.6) if hosted else None,
        **owners,
    }


def _gen_events() -> pd.DataFrame:
    rng = _rng("events")
    plan = (["expo"] * 7 + ["industry_summit"] * 9 + ["cxo_roundtable"] * 8 + ["seed_user_salon"] * 8
            + ["webinar"] * 8)
    order = rng.permutation(len(plan))
    days = np.sort(rng.choice((date(2024, 11, 20) - date(2023, 2, 6)).days, size=len(plan), replace=False))
    rows = []
    n_summit = 0
    for i, j in enumerate(order):
        fmt = plan[int(j)]
        if fmt == "industry_summit":
            n_summit += 1
            mode = "host" if n_summit % 3 == 0 else "attend"
        else:
            mode = "attend" if fmt == "expo" else "host"
        rows.append({"date": _days(date(2023, 2, 6), days[i]), **_event_attrs(rng, fmt, mode)})
    # EV07 is the subject of the L7 post-mortem item: a hosted summit with gaps to discuss.
    rows[6].update(_event_attrs(rng, "industry_summit", "host"))
    rows[6].update(writeup_owner=None, checklist_completion=0.72, invite_list_synced_daily=False)
    df = pd.DataFrame(rows)
    df.insert(0, "event_id", [f"EV{i:02d}" for i in range(1, len(df) + 1)])
    return df


# =====================================================================================
# D1 deals (and the account master they carry)
# =====================================================================================

_NAME_PREFIXES = ("Acme", "Bluepeak", "Brightway", "Cedar", "Crescent", "Everstone", "Fairwind", "Goldleaf",
                  "Harbor", "Ironbridge", "Jade", "Keystone", "Lakeside", "Maple", "Northstar", "Oakridge",
                  "Pinecrest", "Quarry", "Redwood", "Silverline", "Tidewater", "Upland", "Vista", "Willow")
_NAME_WORDS = {"gaming": "Games", "connected_car": "Motors", "retail": "Retail", "finance": "Finance",
               "manufacturing": "Industries", "education": "Learning", "government": "City Services"}
_EMPLOYEES = {"small_b": (10, 200), "mid": (200, 2000), "large": (2000, 50000)}


def _make_accounts(rng) -> list[dict]:
    """The client accounts: 150 SaaS customers of the D3 panel, SaaS prospects, project clients."""
    saas_ind = (0.17, 0.07, 0.26, 0.12, 0.15, 0.18, 0.05)
    proj_ind = (0.08, 0.14, 0.10, 0.20, 0.18, 0.08, 0.22)
    panel_sizes = ["small_b"] * 105 + ["mid"] * 27 + ["large"] * 18
    panel_sizes = [panel_sizes[int(i)] for i in rng.permutation(150)]
    accounts = []
    for size in panel_sizes:
        accounts.append({"group": "panel", "model": SAAS, "size": size, "industry": _pick(rng, INDUSTRIES, saas_ind)})
    for _ in range(172):
        accounts.append({"group": "prospect", "model": SAAS, "size": _pick(rng, SIZES, (0.74, 0.19, 0.07)),
                         "industry": _pick(rng, INDUSTRIES, saas_ind)})
    for _ in range(168):
        accounts.append({"group": "project", "model": PROJECT, "size": _pick(rng, SIZES, (0.05, 0.27, 0.68)),
                         "industry": _pick(rng, INDUSTRIES, proj_ind)})
    ids = rng.permutation(len(accounts))
    used: set[str] = set()
    for a, i in zip(accounts, ids):
        a["account_id"] = f"A{int(i) + 1:03d}"
        lo, hi = _EMPLOYEES[a["size"]]
        a["employees"] = int(round(math.exp(rng.uniform(math.log(lo), math.log(hi)))))
        while True:
            name = f"{_pick(rng, _NAME_PREFIXES)} {_NAME_WORDS[a['industry']]} {int(rng.integers(1, 100)):02d}"
            if name not in used:
                used.add(name)
                a["name"] = name
                break
    return accounts


_ROLE_SETS = {5: ROLES, 4: ROLES[:4], 3: ("user", "evaluator", "final_decider"), 2: ("user", "final_decider"),
              1: ("final_decider",)}
_K_PROBS = {  # decision_roles_involved 5,4,3,2,1
    (SAAS, "small_b"): (0.08, 0.20, 0.35, 0.27, 0.10),
    (SAAS, "mid"): (0.45, 0.35, 0.20, 0.0, 0.0),
    (SAAS, "large"): (0.80, 0.20, 0.0, 0.0, 0.0),
}
_M_CLOSED = {  # roles_met 0..k for closed deals, by k
    5: (0.04, 0.10, 0.17, 0.22, 0.22, 0.25), 4: (0.12, 0.22, 0.30, 0.22, 0.14),
    3: (0.20, 0.32, 0.30, 0.18), 2: (0.30, 0.40, 0.30), 1: (0.45, 0.55),
}
WIN_TARGETS = (0.05, 0.10, 0.18, 0.28, 0.40, 0.55)   # the map's win rate by roles_met 0..5
LIGHTHOUSE_LIFT = 0.06   # lighthouse lift inside each roles_met bucket; overall it comes out near 0.10
_EVENT_DEAL_WEIGHT = {"expo": 5.5, "industry_summit": 4.5, "cxo_roundtable": 9.0, "seed_user_salon": 3.0,
                      "webinar": 3.0}


def _gen_deals(events: pd.DataFrame) -> pd.DataFrame:
    rng = _rng("deals")
    skills = rng.normal(0.0, 1.0, N_REPS)
    accounts = _make_accounts(rng)
    saas_acc = [i for i, a in enumerate(accounts) if a["model"] == SAAS]
    proj_acc = [i for i, a in enumerate(accounts) if a["model"] == PROJECT]
    deal_acc = (saas_acc + [int(i) for i in rng.choice(saas_acc, 360 - len(saas_acc))]
                + proj_acc + [int(i) for i in rng.choice(proj_acc, 240 - len(proj_acc))])
    evs = list(events.itertuples(index=False))
    ch_p = {PROJECT: (0.14, 0.14, 0.06, 0.03, 0.10, 0.13, 0.30, 0.10),
            SAAS: (0.06, 0.08, 0.22, 0.20, 0.12, 0.08, 0.08, 0.16)}

    def event_weight(ev, model):
        w = _EVENT_DEAL_WEIGHT[ev.event_format]
        if model == SAAS and ev.event_format == "seed_user_salon":
            w *= 1.6
        if model == PROJECT and ev.event_format in ("cxo_roundtable", "industry_summit"):
            w *= 1.3
        return w

    def choose_event(mode, model, lo: date, hi: date):
        cands = [e for e in evs if e.mode == mode and lo <= e.date <= hi]
        if not cands:
            return None
        return _pick(rng, cands, [event_weight(e, model) for e in cands])

    rows = []
    for ai in deal_acc:
        a = accounts[ai]
        model, size = a["model"], a["size"]
        rep = int(rng.integers(N_REPS))
        channel = _pick(rng, CHANNELS, ch_p[model])
        mode = {"conference_attend": "attend", "conference_host": "host"}.get(channel)
        ev = None
        is_open = rng.random() < (0.45 if model == PROJECT else 0.29)
        cycle = None
        if is_open:
            age = (int(_clip(rng.gamma(1.6, 22.0), 1, 150)) if model == SAAS else int(rng.uniform(15, 420)))
            created = _days(END, -age)
            if mode:
                ev = (choose_event(mode, model, _days(created, -50), _days(created, -2))
                      or choose_event(mode, model, START, _days(created, -2))
                      or choose_event(mode, model, START, END))
                created = min(_days(ev.date, rng.integers(3, 46)), END)
        else:
            if model == SAAS:
                cycle = 0 if rng.random() < 0.17 else int(_clip(rng.gamma(1.5, 7.0), 1, 30))
            else:
                cycle = int(_clip(rng.gamma(4.0, 45.0), 60, 365))
            last_created = _days(END, -cycle)
            if mode:
                ev = choose_event(mode, model, START, _days(last_created, -3))
                if ev is None:  # no event early enough: the deal is still open
                    is_open, cycle = True, None
                    ev = choose_event(mode, model, START, END)
                    created = min(_days(ev.date, rng.integers(3, 46)), END)
                else:
                    room = (last_created - ev.date).days
                    created = _days(ev.date, rng.integers(3, min(45, room) + 1))
            else:
                created = _rand_date(rng, START, last_created)
        # amount
        if model == PROJECT:
            amount = int(round(_clip(math.exp(rng.normal(math.log(800_000), 0.65)), 200_000, 5_000_000), -3))
        else:
            med = {"small_b": 9_000, "mid": 22_000, "large": 40_000}[size]
            amount = int(round(_clip(math.exp(rng.normal(math.log(med), 0.45)), 3_000, 60_000), -1))
        # purchase roles
        k = 5 if model == PROJECT else int(_pick(rng, (5, 4, 3, 2, 1), _K_PROBS[(model, size)]))
        cp = ((0.36, 0.34, 0.30) if model == PROJECT or size != "small_b" else (0.48, 0.14, 0.38))
        cp = list(cp)
        if ev is not None:
            cp[0] += 0.6 * ev.share_cxo
            if ev.event_format == "expo":  # expo visitors are mostly junior staff
                cp[2] += 0.5
        if k <= 2:
            cp[1] = 0.0
        if k == 1:
            cp = [1.0, 0.0, 0.0]
        contact = _pick(rng, CONTACT_TYPES, cp)
        if is_open:
            stage = _pick(rng, OPEN_STAGES, (0.18, 0.22, 0.22, 0.20, 0.18) if model == PROJECT
                          else (0.30, 0.25, 0.12, 0.20, 0.13))
            q = (0.12, 0.28, 0.42, 0.55, 0.68)[OPEN_STAGES.index(stage)]
            m = int(rng.binomial(k, q))
        else:
            stage = None
            m = int(_pick(rng, tuple(range(k + 1)), _M_CLOSED[k]))
            if ev is not None and ev.share_cxo >= 0.5 and m < k and rng.random() < 0.5:
                m += 1  # the decision-makers were in the room
        lighthouse = bool(rng.random() < (0.75 if channel == "referral_case" else (0.30 if model == PROJECT else 0.18)))
        ops = bool(rng.random() < (0.5 if model == PROJECT else 0.25))
        presales = bool(rng.random() < (0.62 if model == PROJECT else 0.30))
        rows.append({
            "account_id": a["account_id"], "account_name": a["name"], "industry": a["industry"],
            "client_size": size, "company_size_employees": a["employees"], "deal_model": model,
            "created_date": created, "close_date": None if is_open else _days(created, cycle),
            "stage": stage, "won": None, "amount_cny": amount, "cycle_days": cycle,
            "days_in_stage": None, "primary_contact_type": contact, "decision_roles_involved": k,
            "roles_met": m, "source_channel": channel, "lighthouse_reference_used": lighthouse,
            "ops_supported": ops, "presales_prep_done": presales, "rep_id": REP_IDS[rep],
            "h_skill": float(skills[rep]), "h_panel": a["group"] == "panel",
            "h_event_id": ev.event_id if ev is not None else None,
            "h_share_cxo": float(ev.share_cxo) if ev is not None else None,
            "h_event_format": ev.event_format if ev is not None else None,
        })

    # Outcomes: in each roles_met bucket a noisy share of the closed deals is won (the map's
    # 5/10/18/28/40/55%), with deals that used a lighthouse case winning about LIGHTHOUSE_LIFT
    # more often than the others. Which deals win inside each group depends on the contact, the
    # rep, support, and the event the deal came from.
    closed = [i for i, r in enumerate(rows) if r["stage"] is None]
    for m in range(6):
        bucket = [i for i in closed if rows[i]["roles_met"] == m]
        if not bucket:
            continue
        rate = _clip(WIN_TARGETS[m] + rng.normal(0.0, 0.012), 0.0, 1.0)
        share_lh = sum(rows[i]["lighthouse_reference_used"] for i in bucket) / len(bucket)
        for lh in (True, False):
            idx = [i for i in bucket if rows[i]["lighthouse_reference_used"] == lh]
            if not idx:
                continue
            r_lh = rate + LIGHTHOUSE_LIFT * ((1 - share_lh) if lh else -share_lh)
            n_win = int(round(len(idx) * _clip(r_lh, 0.0, 1.0)))
            w = []
            for i in idx:
                r = rows[i]
                x = (0.9 * (r["primary_contact_type"] == "decision_maker")
                     - 0.5 * (r["primary_contact_type"] == "business_user")
                     + 0.8 * r["h_skill"] + 0.2 * r["ops_supported"] + 0.2 * r["presales_prep_done"]
                     + 0.4 * (r["deal_model"] == SAAS and r["cycle_days"] == 0))
                if r["h_share_cxo"] is not None:
                    x += 3.0 * (r["h_share_cxo"] - 0.3)
                w.append(math.exp(x))
            w = np.asarray(w)
            winners = set(int(idx[j]) for j in rng.choice(len(idx), size=n_win, replace=False, p=w / w.sum()))
            for i in idx:
                rows[i]["stage"] = "won" if i in winners else "lost"
                rows[i]["won"] = i in winners
    for r in rows:
        if r["close_date"] is None:
            age = (END - r["created_date"]).days
            share = 1.0 if r["stage"] == "lead" else rng.uniform(0.05, 0.8)
            r["days_in_stage"] = int(age * share)
        else:
            hi = 0.35 if r["won"] else 0.6
            r["days_in_stage"] = int(r["cycle_days"] * rng.uniform(0.05, hi))
    df = pd.DataFrame(rows)
    df = df.sort_values(["created_date", "account_id"], kind="mergesort").reset_index(drop=True)
    df.insert(0, "deal_id", [f"D{i:04d}" for i in range(1, len(df) + 1)])
    return df


# =====================================================================================
# D2 deal stakeholders
# =====================================================================================

_ROLE_TITLES = {
    "user": (("frontline_user", "dept_head"), (0.7, 0.3)),
    "evaluator": (("IT_manager", "CTO", "dept_head"), (0.6, 0.2, 0.2)),
    "budget_holder": (("CFO", "dept_head", "CEO"), (0.5, 0.3, 0.2)),
    "final_decider": (("CEO", "CTO", "CFO"), (0.6, 0.25, 0.15)),
    "signer": (("procurement", "CFO", "CEO"), (0.6, 0.2, 0.2)),
}
_ACTION_P = {  # product_training, demo, interests_discussion, negotiation
    "CEO": (0.05, 0.15, 0.6, 0.2), "CTO": (0.2, 0.45, 0.25, 0.1), "CFO": (0.1, 0.1, 0.35, 0.45),
    "IT_manager": (0.4, 0.45, 0.05, 0.1), "dept_head": (0.3, 0.4, 0.2, 0.1),
    "frontline_user": (0.65, 0.3, 0.03, 0.02), "procurement": (0.1, 0.1, 0.1, 0.7),
}
_MEET_WEIGHT = {"user": 1.0, "evaluator": 0.9, "budget_holder": 0.6, "final_decider": 0.5, "signer": 0.5}


def _gen_deal_stakeholders(deals: pd.DataFrame) -> pd.DataFrame:
    rng = _rng("deal_stakeholders")
    rows = []
    for d in deals.itertuples(index=False):
        k, m = d.decision_roles_involved, d.roles_met
        roles = _ROLE_SETS[k]
        titles: dict[str, str] = {}
        used: list[str] = []
        for role in roles:
            if role == "final_decider" and k < 5:
                t = _pick(rng, ("CEO", "CTO", "CFO"), [0.0 if o in used else w for o, w in
                                                       zip(("CEO", "CTO", "CFO"), (0.8, 0.1, 0.1))])
            else:
                opts, p = _ROLE_TITLES[role]
                p = [0.0 if (o in used and o not in ("dept_head", "frontline_user")) else w for o, w in zip(opts, p)]
                t = _pick(rng, opts, p) if sum(p) > 0 else "dept_head"
            titles[role] = t
            used.append(t)
        ptype = d.primary_contact_type
        if ptype == "decision_maker":
            primary = "final_decider"
        elif ptype == "admin":
            primary = "evaluator" if "evaluator" in roles else "signer"
            titles[primary] = "IT_manager" if primary == "evaluator" else "procurement"
        else:
            primary = "user"
        met: list[str] = []
        if m > 0:
            others = [r for r in roles if r != primary]
            w = np.array([_MEET_WEIGHT[r] for r in others])
            pick = rng.choice(len(others), size=m - 1, replace=False, p=w / w.sum()) if m > 1 else []
            met = [primary] + [others[int(j)] for j in pick]
        for role in roles:
            t = titles[role]
            is_met = role in met
            if is_met:
                by = _pick(rng, ("sales", "ops", "both"), (0.25, 0.2, 0.55) if d.ops_supported else (0.45, 0.12, 0.43))
                action = _pick(rng, VISIT_ACTIONS[:4], _ACTION_P[t])
            else:
                by, action = "none", "none"
            merged = k < 5 and (role == "final_decider" or (role == "user" and k <= 2))
            rows.append({"deal_id": d.deal_id, "purchase_role": role, "person_title": t,
                         "customer_type": TITLE_TYPE[t], "merged_role": merged, "met": is_met,
                         "met_by": by, "visit_action": action})
    df = pd.DataFrame(rows)
    df.insert(1, "stakeholder_id", [f"S{i:04d}" for i in range(1, len(df) + 1)])
    return df


# =====================================================================================
# D3 SaaS accounts (monthly panel); D7 fills in the ticket response times
# =====================================================================================

_MONTHS = [(y, m) for y in (2023, 2024) for m in range(1, 13)]


_RENEW_BASE = {"small_b": 0.84, "mid": 0.93, "large": 0.98}   # renewal probability, trained, normal support
_RENEW_UNTRAINED = 0.18                                        # minus this when the client was not trained
_RENEW_TIER = {"fast": 0.05, "normal": 0.0, "slow": -0.25}     # plus this by first-response speed
_RENEW_HIGH_LOAD = 0.10                                        # minus this for the 25% heaviest ticket load


def _gen_saas_accounts(deals: pd.DataFrame) -> pd.DataFrame:
    rng = _rng("saas_accounts")
    panel = (deals[deals["h_panel"]].drop_duplicates("account_id")
             .sort_values("account_id", kind="mergesort"))
    last_win = deals[deals["won"].eq(True)].groupby("account_id")["close_date"].max().to_dict()
    accounts = []
    for a in panel.itertuples(index=False):
        size = a.client_size
        plan = _pick(rng, ("basic", "pro", "enterprise"), {"small_b": (0.6, 0.35, 0.05), "mid": (0.2, 0.6, 0.2),
                                                           "large": (0.0, 0.35, 0.65)}[size])
        lo, hi = {"small_b": (4, 30), "mid": (25, 150), "large": (50, 260)}[size]
        seats = int(round(math.exp(rng.uniform(math.log(lo), math.log(hi)))))
        price = {"basic": 55, "pro": 95, "enterprise": 150}[plan] * rng.uniform(0.85, 1.15)
        tier = _pick(rng, ("fast", "normal", "slow"), (0.36, 0.39, 0.25))
        level = {"fast": rng.uniform(8, 28), "normal": rng.uniform(35, 100), "slow": rng.uniform(135, 260)}[tier]
        u = rng.random()
        train_month = 0 if u < 0.55 else (int(rng.integers(2, 23)) if u < 0.72 else 99)
        load = math.exp(rng.normal(0, 0.5)) * (1.35 if train_month == 99 else 1.0)  # relative to peers
        lam = {"small_b": 0.31, "mid": 0.45, "large": 0.66}[size] * load
        accounts.append({
            "account_id": a.account_id, "industry": a.industry, "client_size": size, "plan": plan,
            "seats": seats, "mrr": int(round(_clip(seats * price, 300, 50_000), -1)), "tier": tier,
            "level": level, "usage": float(rng.beta(6, 3)), "train_month": train_month, "lam": lam, "load": load,
            "renew_month": int(rng.integers(1, 13)), "renew_day": int(rng.integers(1, 29)),
            "merchants_per_seat": rng.uniform(1.5, 6.0) if a.industry == "retail" else None,
            "last_win": last_win.get(a.account_id),
        })
    key = sorted(accounts, key=lambda a: (-a["mrr"], a["account_id"]))[:15]
    key_ids = {a["account_id"] for a in key}
    high_load = float(np.quantile([a["load"] for a in accounts], 0.75))
    rows = []
    for a in accounts:
        churned = False
        seats, mrr = a["seats"], a["mrr"]
        for t, (y, mo) in enumerate(_MONTHS):
            # draw every random number every month, so the stream does not depend on the outcomes
            u_renew, growth, bump = rng.random(), rng.uniform(1.0, 1.1), rng.uniform(1.0, 1.03)
            usage = _clip(a["usage"] + rng.normal(0, 0.05), 0.05, 1.0)
            season = 1.0 + 0.15 * math.sin(2 * math.pi * (mo - 3) / 12)
            n_tickets = _poisson_u(rng.random(), a["lam"] * season)
            csat_noise = rng.normal(0, 0.25)
            trained = a["train_month"] <= t
            due = (not churned) and mo == a["renew_month"]
            renewed = None
            if due:
                p = (_RENEW_BASE[a["client_size"]] - (0 if trained else _RENEW_UNTRAINED)
                     + _RENEW_TIER[a["tier"]]
                     - (_RENEW_HIGH_LOAD if a["load"] > high_load else 0.0))
                renewed = bool(u_renew < _clip(p, 0.15, 0.98))
                if a["last_win"] is not None and a["last_win"] >= _month_start(y, mo):
                    renewed = True  # the account still buys from us later, so it did not leave
                if renewed:
                    seats = min(500, int(round(seats * growth)))
                    mrr = int(round(_clip(mrr * growth * bump, 300, 50_000), -1))
                else:
                    churned = True
            active = not churned
            rows.append({
                "account_id": a["account_id"], "month": f"{y}-{mo:02d}", "industry": a["industry"],
                "client_size": a["client_size"], "is_key_account": a["account_id"] in key_ids,
                "plan": a["plan"], "mrr_cny": mrr if active else 0, "seats": seats if active else 0,
                "active_users": min(seats, int(round(seats * usage))) if active else 0,
                "active_merchants": (int(round(seats * a["merchants_per_seat"] * usage)) if active else 0)
                if a["merchants_per_seat"] is not None else None,
                "tickets_opened": n_tickets if active else 0,
                "median_first_response_min": None, "trained": trained,
                "renewal_date": date(2024, a["renew_month"], a["renew_day"]), "renewal_due": due,
                "renewed": renewed, "churned": churned,
                "csat": round(_clip(4.3 + {"fast": 0.2, "normal": 0.0, "slow": -0.7}[a["tier"]]
                                    - (0 if trained else 0.3) + csat_noise, 1.0, 5.0), 1) if active else None,
                "h_level": a["level"],
            })
    return pd.DataFrame(rows)


# =====================================================================================
# D5 leads
# =====================================================================================

_CAPTURE = {"expo": 0.02, "industry_summit": 0.035, "cxo_roundtable": 0.4, "seed_user_salon": 0.25,
            "webinar": 0.05}


def _gen_leads(deals: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    rng = _rng("leads")
    rows = []

    def levels_for_size(size):
        return _pick(rng, ("A", "B", "C"), {"small_b": (0.03, 0.17, 0.8), "mid": (0.2, 0.65, 0.15),
                                            "large": (0.7, 0.27, 0.03)}[size])

    def followups(level):
        p = {"A": 0.85, "B": 0.65, "C": 0.4}[level]
        f = bool(rng.random() < p)
        return f, (int(rng.integers(1, 5)) if f else 0)

    for d in deals.itertuples(index=False):
        if d.source_channel == "sales_outreach":
            continue
        if not _is_missing(d.h_event_id):
            ev_date = events.loc[events["event_id"] == d.h_event_id, "date"].iloc[0]
            created = ev_date
        else:
            created = max(START, _days(d.created_date, -int(rng.integers(0, 22))))
        title = _pick(rng, ("CxO", "director", "manager", "staff"),
                      {"decision_maker": (0.6, 0.35, 0.05, 0.0), "admin": (0.0, 0.35, 0.55, 0.1),
                       "business_user": (0.0, 0.15, 0.4, 0.45)}[d.primary_contact_type])
        won = d.won is True or d.won is np.True_  # None while open
        rows.append({"event_id": d.h_event_id, "channel": d.source_channel, "created_date": created,
                     "lead_level": levels_for_size(d.client_size), "title_level": title, "followed_up": True,
                     "followup_count": int(rng.integers(2, 9)) + (2 if won else 0),
                     "converted_deal_id": d.deal_id, "won": bool(won),
                     "won_amount_cny": int(d.amount_cny) if won else 0})
    for e in events.itertuples(index=False):
        n = int(round(e.attendee_count * _CAPTURE[e.event_format] * rng.uniform(0.8, 1.2)))
        level_p = {"expo": (0.08, 0.27, 0.65), "industry_summit": (0.2, 0.4, 0.4),
                   "cxo_roundtable": (0.55, 0.35, 0.1), "seed_user_salon": (0.15, 0.45, 0.4),
                   "webinar": (0.1, 0.35, 0.55)}[e.event_format]
        for _ in range(n):
            cxo = e.share_cxo
            title = _pick(rng, ("CxO", "director", "manager", "staff"),
                          (cxo, (1 - cxo) * 0.25, (1 - cxo) * 0.35, (1 - cxo) * 0.4))
            level = _pick(rng, ("A", "B", "C"), level_p)
            f, c = followups(level)
            rows.append({"event_id": e.event_id, "channel": "conference_" + e.mode,
                         "created_date": min(END, _days(e.date, rng.integers(0, 3))),
                         "lead_level": level, "title_level": title, "followed_up": f, "followup_count": c,
                         "converted_deal_id": None, "won": False, "won_amount_cny": 0})
    other = ("website", "sem", "partner_platform", "referral_case", "sales_outreach", "content")
    while len(rows) < 2000:
        level = _pick(rng, ("A", "B", "C"), (0.12, 0.35, 0.53))
        f, c = followups(level)
        rows.append({"event_id": None, "channel": _pick(rng, other, (0.3, 0.25, 0.1, 0.05, 0.1, 0.2)),
                     "created_date": _rand_date(rng, START, END), "lead_level": level,
                     "title_level": _pick(rng, ("CxO", "director", "manager", "staff"), (0.05, 0.2, 0.4, 0.35)),
                     "followed_up": f, "followup_count": c, "converted_deal_id": None, "won": False,
                     "won_amount_cny": 0})
    df = pd.DataFrame(rows)
    df["h_order"] = np.arange(len(df))
    df = df.sort_values(["created_date", "h_order"], kind="mergesort").reset_index(drop=True)
    df.insert(0, "lead_id", [f"L{i:04d}" for i in range(1, len(df) + 1)])
    return df


# =====================================================================================
# D6 content
# =====================================================================================

_CONTENT_P = {  # share of pieces, median pv, mean target share, channels and their weights
    "event_report": (0.16, 4500, 0.15, ("wechat_oa", "weibo", "website"), (0.6, 0.3, 0.1)),
    "tech_product_sharing": (0.15, 700, 0.70, ("zhihu", "vertical_media", "website"), (0.35, 0.4, 0.25)),
    "people_profile": (0.12, 2500, 0.30, ("wechat_oa", "weibo", "zhihu"), (0.6, 0.25, 0.15)),
    "story_sharing": (0.15, 6000, 0.12, ("wechat_oa", "weibo"), (0.75, 0.25)),
    "event_marketing": (0.14, 3500, 0.25, ("wechat_oa", "weibo", "website"), (0.5, 0.3, 0.2)),
    "industry_summary": (0.14, 900, 0.65, ("vertical_media", "website", "wechat_oa"), (0.45, 0.3, 0.25)),
    "ops_data_report": (0.14, 1500, 0.45, ("website", "wechat_oa", "vertical_media"), (0.4, 0.4, 0.2)),
}
_LEADS_PER_TARGETED, _LEADS_PER_UNTARGETED = 0.012, 0.0005


def _gen_content() -> pd.DataFrame:
    rng = _rng("content")
    baidu = {}
    for t, (y, mo) in enumerate(_MONTHS):
        baidu[(y, mo)] = int(round(1200 + 30 * t + 120 * math.sin(2 * math.pi * (mo - 4) / 12)
                                   + rng.normal(0, 60)))
    per_month = [7 + (i % 2 == 1) + (i in (5, 17)) for i in range(24)]  # 180 pieces over 24 months
    per_month[-1] -= sum(per_month) - 180
    types = tuple(_CONTENT_P)
    rows = []
    for (y, mo), n in zip(_MONTHS, per_month):
        for _ in range(n):
            ct = _pick(rng, types, [v[0] for v in _CONTENT_P.values()])
            rows.append({"publish_date": _rand_date(rng, _month_start(y, mo), _month_end(y, mo)), "content_type": ct})
    # L7's item needs industry summaries in June 2024; the L2 pair is built below.
    june = [i for i, r in enumerate(rows) if r["publish_date"].strftime("%Y-%m") == "2024-06"]
    rows[june[0]]["content_type"] = rows[june[1]]["content_type"] = "industry_summary"
    for r in rows:
        share_n, pv_med, ts_mean, chans, chan_p = _CONTENT_P[r["content_type"]]
        pv = int(_clip(round(math.exp(rng.normal(math.log(pv_med), 0.5))), 50, 20_000))
        uv = int(round(pv * rng.uniform(0.55, 0.85)))
        share = float(rng.beta(ts_mean * 12, (1 - ts_mean) * 12))
        r.update(channel=_pick(rng, chans, chan_p), pv=pv, uv=uv, _share=share)
    pair = {[i for i, r in enumerate(rows) if r["content_type"] == "story_sharing"][3]: (1350, 1012, 0.05, 1),
            [i for i, r in enumerate(rows) if r["content_type"] == "tech_product_sharing"][4]: (131, 104, 0.87, 2)}
    for r_i, r in enumerate(rows):
        forced = pair.get(r_i)
        if forced:
            r["pv"], r["uv"], r["_share"] = forced[0], forced[1], forced[2]
        targeted = int(round(r["uv"] * r.pop("_share")))
        untargeted = r["uv"] - targeted
        leads = int(min(25, rng.poisson(_LEADS_PER_TARGETED * targeted + _LEADS_PER_UNTARGETED * untargeted)))
        if forced:
            leads = forced[3]
        reposts = int(min(40, rng.poisson(r["pv"] / 700)))
        tech_p = {"tech_product_sharing": 0.35, "industry_summary": 0.25}.get(r["content_type"], 0.1)
        d = r["publish_date"]
        r.update(reads_targeted=targeted, reads_untargeted=untargeted,
                 target_share=round(targeted / r["uv"], 3), media_reposts=reposts,
                 exposure=int(round(r["pv"] * rng.uniform(3, 8) + reposts * rng.uniform(300, 900))),
                 baidu_index=baidu[(d.year, d.month)], leads=leads,
                 tech_heads_reached=int(rng.binomial(targeted, tech_p)))
    df = pd.DataFrame(rows)
    df["h_order"] = np.arange(len(df))
    df = df.sort_values(["publish_date", "h_order"], kind="mergesort").reset_index(drop=True)
    df.insert(0, "content_id", [f"C{i:03d}" for i in range(1, len(df) + 1)])
    return df


# =====================================================================================
# D7 tickets
# =====================================================================================

_TICKET_TEXT = {
    "how_to": ("How do I {a}?", "Where can I {a}?", "Is there a guide to {a}?", "Can't find how to {a}"),
    "fault": ("{f} shows an error since this morning", "{f} is not loading", "{f} data stopped updating",
              "Error code {n} when opening {f}"),
    "misuse_feature_request": ("Please add {r}", "Can the system support {r}?", "We need {r} for our team",
                               "{f} does not work the way we expected"),
    "implementation": ("Need help importing our {d} data", "Integration with our {s} is not finished",
                       "Set-up of {f} for our new branch", "API connection to our {s} fails during set-up"),
    "maintenance": ("Please update our account contacts", "Renew the SSL certificate for our domain",
                    "Upgrade {f} to the new version", "Monthly data backup check for {f}"),
}
_TEXT_FILL = {
    "a": ("export the monthly report", "add a new user", "reset a password", "set up a campaign",
          "change the dashboard layout", "assign user permissions", "schedule a message push",
          "filter customers by region"),
    "f": ("the dashboard", "the report module", "the campaign page", "the customer list", "the mobile app",
          "the data export", "the message push", "the login page"),
    "r": ("bulk editing of customer tags", "a WeChat mini-program login", "an English interface",
          "custom report fields", "approval workflows", "a dark mode"),
    "d": ("customer", "product", "order", "member"),
    "s": ("ERP", "CRM", "POS system", "HR system", "data warehouse"),
}
_ROUTE_P = {"how_to": (0.0, 0.15, 0.85), "fault": (0.8, 0.0, 0.2), "misuse_feature_request": (0.0, 0.75, 0.25),
            "implementation": (0.5, 0.0, 0.5), "maintenance": (0.4, 0.0, 0.6)}
_RESOLVE_MED = {"how_to": 2.0, "fault": 20.0, "misuse_feature_request": 96.0, "implementation": 40.0,
                "maintenance": 8.0}


def _gen_tickets(saas: pd.DataFrame, deals: pd.DataFrame) -> pd.DataFrame:
    rng = _rng("tickets")
    specs = []  # (account_id, size, year, month, earliest day, response level, trained, project?)
    for r in saas[saas["tickets_opened"] > 0].itertuples(index=False):
        y, mo = int(r.month[:4]), int(r.month[5:])
        specs += [(r.account_id, r.client_size, y, mo, None, r.h_level, r.trained, False)] * int(r.tickets_opened)
    won = deals[deals["won"].eq(True) & ~deals["h_panel"]]
    first_win = won.sort_values(["close_date", "deal_id"], kind="mergesort").drop_duplicates("account_id")
    for d in first_win.sort_values("account_id", kind="mergesort").itertuples(index=False):
        project = d.deal_model == PROJECT
        lam = (0.24 if project else {"small_b": 0.31, "mid": 0.45, "large": 0.66}[d.client_size])
        lam *= math.exp(rng.normal(0, 0.4))
        level = {"fast": rng.uniform(8, 28), "normal": rng.uniform(35, 100), "slow": rng.uniform(135, 260)}[
            _pick(rng, ("fast", "normal", "slow"), (0.36, 0.39, 0.25))]
        for (y, mo) in _MONTHS:
            if _month_end(y, mo) <= d.close_date:
                continue
            for _ in range(int(rng.poisson(lam))):
                specs.append((d.account_id, d.client_size, y, mo, d.close_date, level, True, project))
    cat_saas = (0.32, 0.21, 0.17, 0.15, 0.15)
    cat_proj = (0.12, 0.25, 0.08, 0.30, 0.25)
    rows = []
    for account, size, y, mo, earliest, level, trained, project in specs:
        lo = _month_start(y, mo) if earliest is None else max(_month_start(y, mo), _days(earliest, 1))
        day = _rand_date(rng, lo, _month_end(y, mo))
        if day.weekday() >= 5 and rng.random() < 0.6:
            day = _rand_date(rng, lo, _month_end(y, mo))
        created = datetime(day.year, day.month, day.day, int(rng.integers(8, 22)), int(rng.integers(0, 60)),
                           int(rng.integers(0, 60)))
        p = list(cat_proj if project else cat_saas)
        if not trained:
            p[0] += 0.08
        cat = _pick(rng, TICKET_CATEGORIES, p)
        aspect = {"how_to": "training", "fault": "exception_response", "implementation": "implementation",
                  "maintenance": "maintenance"}.get(cat) or _pick(rng, ("exception_response", "training"), (0.6, 0.4))
        route = _pick(rng, ROUTES, _ROUTE_P[cat])
        first = int(_clip(round(math.exp(rng.normal(math.log(level), 0.55))), 1, 600))
        template = _pick(rng, _TICKET_TEXT[cat])
        text = template.format(**{k: _pick(rng, v) for k, v in _TEXT_FILL.items()}, n=int(rng.integers(100, 999)))
        text = text[0].upper() + text[1:]
        rows.append({
            "account_id": account, "created_at": created,
            "channel": _pick(rng, TICKET_CHANNELS, {"small_b": (0.3, 0.45, 0.15, 0.1), "mid": (0.15, 0.3, 0.3, 0.25),
                                                    "large": (0.05, 0.15, 0.4, 0.4)}[size]),
            "category": cat, "service_aspect": aspect, "routed_to": route,
            "tutorial_sent": bool(rng.random() < (0.7 if route == "ops_self_serve" else 0.1)),
            "remote_assist": bool(rng.random() < (0.35 if cat in ("implementation", "fault") else 0.05)),
            "first_response_min": first,
            "resolve_hours": round(max(0.1, math.exp(rng.normal(math.log(_RESOLVE_MED[cat]), 0.7)) + first / 60), 1),
            "ticket_text": text,
            "csat": int(_clip(round(4.6 - first / 120 + rng.normal(0, 0.7)), 1, 5)),
            "h_month": f"{y}-{mo:02d}",
        })
    df = pd.DataFrame(rows)
    df["h_order"] = np.arange(len(df))
    df = df.sort_values(["created_at", "h_order"], kind="mergesort").reset_index(drop=True)
    df.insert(0, "ticket_id", [f"T{i:04d}" for i in range(1, len(df) + 1)])
    return df


def _attach_response_times(saas: pd.DataFrame, tickets: pd.DataFrame) -> pd.DataFrame:
    """D3's median_first_response_min = the median over the account's D7 tickets of the month."""
    med = tickets.groupby(["account_id", "h_month"])["first_response_min"].median()
    keys = list(zip(saas["account_id"], saas["month"]))
    values = [round(float(med[k]), 1) if k in med.index else None for k in keys]
    return saas.assign(median_first_response_min=values)


# =====================================================================================
# D8 ToC funnel and cohorts
# =====================================================================================

def _gen_toc() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = _rng("toc_funnel")
    first = date(2023, 12, 4)
    n_days = (END - first).days + 1
    acq = []
    for i in range(n_days):
        d = _days(first, i)
        t = (d - date(2024, 1, 1)).days
        level = 95_000 * (1 + 0.25 * t / 365) * (1.12 if d.weekday() >= 5 else 1.0)
        if (d.month, d.day) in ((6, 17), (6, 18), (11, 10), (11, 11)):
            level *= 1.45
        if date(2024, 2, 9) <= d <= date(2024, 2, 16):
            level *= 0.7  # Spring Festival
        acq.append(int(_clip(round(level * math.exp(rng.normal(0, 0.06))), 50_000, 200_000)))
    funnel = []
    for i in range(n_days):
        d = _days(first, i)
        if d.year != 2024:
            continue
        a = acq[i]
        paying = int(round(a * rng.uniform(0.035, 0.05)))
        orders = int(round(paying * rng.uniform(1.15, 1.35)))
        revenue = int(round(orders * rng.normal(68, 5)))
        funnel.append({
            "date": d, "visits": int(round(a * rng.uniform(2.5, 4.0))), "acquisitions": a, "signups": a,
            "activations": int(round(a * rng.uniform(0.55, 0.68))),
            "d1_retained": int(round(a * _clip(rng.normal(0.40, 0.015), 0.36, 0.44))),
            "d7_retained": int(round(a * _clip(rng.normal(0.175, 0.007), 0.158, 0.192))),
            "paying_users": paying, "orders": orders, "revenue_cny": revenue,
            "avg_order_value_cny": round(revenue / orders, 2),
            "median_days_to_purchase": round(_clip(math.exp(rng.normal(math.log(0.8), 0.5)), 0.1, 4.5), 1),
            "referrals": int(round(a * rng.uniform(0.04, 0.08))),
        })
    cohorts = []
    for w in range(52):
        start = _days(first, 7 * w)
        size = sum(acq[7 * w: 7 * w + 7])
        r1 = _clip(rng.normal(0.40, 0.012), 0.37, 0.43)
        r7 = _clip(rng.normal(0.175, 0.006), 0.16, 0.19)
        b = math.log(r1 / r7) / math.log(7)
        for off in range(31):
            rate = 1.0 if off == 0 else r1 * off ** (-b) * (1 + rng.normal(0, 0.01 if off in (1, 7) else 0.02))
            cohorts.append({"cohort_week": start, "day_offset": off, "cohort_size": size,
                            "active_users": int(round(size * rate))})
    return pd.DataFrame(funnel), pd.DataFrame(cohorts)


# =====================================================================================
# D9 weekly metrics
# =====================================================================================

def _gen_metrics_weekly() -> pd.DataFrame:
    rng = _rng("metrics_weekly")
    t = np.arange(52)
    rows = []
    spec = {  # NSM base, weekly growth, revenue per unit
        "food_delivery_tool": (320_000, 0.006, 1.6),
        "ride_hailing_b": (900_000, 0.004, 2.3),
        "marketing_saas": (2_100, 0.009, 240.0),
    }
    vanity_base = {"app_downloads": 18_000, "page_views": 250_000, "community_group_messages": 5_000,
                   "registered_drivers": 4_000, "trial_signups": 150}
    for b in BUSINESSES:
        base, growth, price = spec[b]
        season = 1 + 0.06 * np.sin(2 * np.pi * t / 52 + rng.uniform(0, 2 * np.pi))
        nsm = base * (1 + growth * t) * season * np.exp(rng.normal(0, 0.03, 52))
        revenue = nsm * price * np.exp(rng.normal(0, 0.02, 52))
        cols = {c: [None] * 52 for c in CANDIDATES}
        cols[NSM[b]] = [float(round(v)) for v in nsm]
        for c in BUSINESS_CANDIDATES[b][1:]:
            v = vanity_base[c] * (0.5 if b == "marketing_saas" and c == "page_views" else 1.0)
            noise = rng.normal(0, 0.3, 52)
            noise -= np.polyval(np.polyfit(t, noise, 1), t)  # vanity metrics have no trend of their own
            v = v * np.exp(noise)
            spikes = rng.choice(52, size=4, replace=False)
            v[spikes] *= rng.uniform(1.6, 2.4, 4)
            cols[c] = [float(round(x)) for x in v]
        renewals = ([float(x) for x in rng.poisson(nsm * 0.012)] if b == "marketing_saas" else [None] * 52)
        for i in range(52):
            rows.append({"business": b, "week": f"2024-W{i + 1:02d}", **{c: cols[c][i] for c in CANDIDATES},
                         "revenue_cny": int(round(revenue[i])), "renewals": renewals[i]})
    return pd.DataFrame(rows)


# =====================================================================================
# D10 training assessments
# =====================================================================================

_SESSIONS = (("S01", date(2023, 3, 7), "CRM pipeline module"), ("S02", date(2023, 6, 13), "Customer-service chatbot"),
             ("S03", date(2023, 9, 12), "Chatbot with marketing push"), ("S04", date(2023, 12, 5), "Security-detection API"),
             ("S05", date(2024, 3, 12), "Document collaboration"), ("S06", date(2024, 5, 14), "Data dashboard"),
             ("S07", date(2024, 7, 16), "Pricing and packaging"), ("S08", date(2024, 9, 10), "Implementation playbook"))


def _gen_training(deals: pd.DataFrame) -> pd.DataFrame:
    rng = _rng("training_assessments")
    skill = deals.drop_duplicates("rep_id").set_index("rep_id")["h_skill"].to_dict()
    closed = deals[deals["close_date"].notna()]
    by_rep = {r: g for r, g in closed.groupby("rep_id")}
    rows = []
    for sid, day, topic in _SESSIONS:
        onsite_min = int(rng.integers(9, 19)) * 10
        video_min = int(rng.integers(6, 13)) * 5
        trainer_hours = round(onsite_min / 60 + rng.uniform(2, 4), 1)
        production = int(round(rng.uniform(8_000, 30_000), -2))
        for rep in REP_IDS:
            on_site = bool(rng.random() < 0.55)
            taken = day if on_site else _days(day, rng.integers(0, 15))
            s = skill[rep]
            assessed = bool(rng.random() >= 0.05)
            score = _clip(round(68 + 5.5 * s + (3.5 if on_site else -3.5) + rng.normal(0, 7)), 0, 100)
            passed = bool(rng.random() < _logistic((score - 66) / 6 + 1.0 * s))
            g = by_rep.get(rep)
            if g is None:
                wins = opps = 0
            else:
                window = (g["close_date"] > taken) & (g["close_date"] <= _days(taken, 90))
                opps, wins = int(window.sum()), int((window & g["won"].eq(True)).sum())
            rows.append({"rep_id": rep, "session_id": sid, "session_date": taken, "topic": topic,
                         "format": "on_site" if on_site else "video",
                         "duration_min": onsite_min if on_site else video_min,
                         "trainer_hours": trainer_hours if on_site else 0.0,
                         "production_cost_cny": 0 if on_site else production, "assessed": assessed,
                         "quiz_score": float(score) if assessed else None,
                         "hands_on_pass": passed if assessed else None,
                         "wins_next_90d": wins, "opps_next_90d": opps})
    return pd.DataFrame(rows)


# =====================================================================================
# D11 client visits
# =====================================================================================

_ITEM_P = (0.86, 0.82, 0.74, 0.78, 0.72, 0.45)
_ADVANCE_P = {6: 0.62, 5: 0.52, 4: 0.42}  # score <= 3: 0.30


def _gen_client_visits(deals: pd.DataFrame, stakeholders: pd.DataFrame) -> pd.DataFrame:
    rng = _rng("client_visits")
    met_titles = (stakeholders[stakeholders["met"]].groupby("deal_id")["person_title"]
                  .agg(lambda s: sorted(set(s))).to_dict())
    last_day = _days(END, -30)
    pool = []
    for d in deals.itertuples(index=False):
        end = d.close_date if d.close_date is not None and not pd.isna(d.close_date) else END
        if d.deal_id not in met_titles or (end - d.created_date).days < 20 or d.created_date > _days(last_day, -5):
            continue
        pool.append(d)
    weights = np.array([3.0 if d.deal_model == PROJECT else 1.0 for d in pool])
    rows = []
    while len(rows) < 300:
        diligence = rng.normal(0, 0.9)
        items = [bool(rng.random() < _logistic(math.log(p / (1 - p)) + diligence)) for p in _ITEM_P]
        score = sum(items)
        advanced = bool(rng.random() < _ADVANCE_P.get(score, 0.30))
        for _attempt in range(1000):  # find a deal whose history allows this outcome
            d = pool[int(rng.choice(len(pool), p=weights / weights.sum()))]
            closed = d.close_date is not None and not pd.isna(d.close_date)
            s_now = 5 if d.stage == "won" else (4 if d.stage == "lost" else OPEN_STAGES.index(d.stage))
            max_before = min(s_now - 1 if advanced else s_now, 4)
            if max_before < 0:
                continue
            before = int(rng.integers(0, max_before + 1))
            end = d.close_date if closed else END
            to_close = False
            if closed and ((advanced and d.stage == "won" and before >= 3) or (not advanced and d.stage == "lost")):
                to_close = rng.random() < 0.5
            if to_close:
                lo, hi = max(d.created_date, _days(end, -29)), min(end, last_day)
            else:
                lo, hi = d.created_date, min(_days(end, -31), last_day)
            if lo <= hi:
                break
        else:
            raise RuntimeError("client_visits: no deal fits a visit")
        visit = _rand_date(rng, lo, hi)
        if to_close:
            after = d.stage
        elif advanced:
            after = OPEN_STAGES[min(before + (2 if rng.random() < 0.15 else 1), 4, s_now)]
        else:
            after = OPEN_STAGES[before]
        titles = met_titles[d.deal_id]
        n = int(rng.integers(1, min(3, len(titles)) + 1))
        present = sorted(titles[int(i)] for i in rng.choice(len(titles), size=n, replace=False))
        rows.append({"deal_id": d.deal_id, "visit_date": visit,
                     "ops_attended": bool(rng.random() < (0.6 if d.ops_supported else 0.12)),
                     "attendee_titles": "; ".join(present), **dict(zip(_CHECKLIST, items)),
                     "checklist_score": score, "stage_before": OPEN_STAGES[before], "stage_after_30d": after,
                     "advanced": after == "won" or (after in OPEN_STAGES and OPEN_STAGES.index(after) > before)})
    df = pd.DataFrame(rows)
    df["h_order"] = np.arange(len(df))
    df = df.sort_values(["visit_date", "h_order"], kind="mergesort").reset_index(drop=True)
    df.insert(0, "visit_id", [f"V{i:03d}" for i in range(1, len(df) + 1)])
    return df


# =====================================================================================
# D12 case library
# =====================================================================================

_CASE_METRICS = {
    "retail": ("conversion rate", "repeat purchase rate", "campaign click-through rate"),
    "finance": ("fraud interception rate", "loan application automation rate", "tickets resolved within SLA"),
    "gaming": ("payment success rate", "day-7 player retention rate", "tickets resolved within SLA"),
    "manufacturing": ("first-pass yield", "equipment availability", "order accuracy rate"),
    "education": ("course completion rate", "trial-to-paid conversion rate", "parent satisfaction rate"),
    "connected_car": ("OTA update success rate", "remote diagnosis coverage", "tickets resolved within SLA"),
    "government": ("online processing rate", "first-contact resolution rate", "citizen satisfaction rate"),
}
_CASES_PER_INDUSTRY = {"retail": 13, "finance": 10, "gaming": 8, "manufacturing": 9, "education": 8,
                       "connected_car": 6, "government": 6}


def _gen_case_library(deals: pd.DataFrame) -> pd.DataFrame:
    rng = _rng("case_library")
    customers = deals[deals["h_panel"] | deals["won"].eq(True)].drop_duplicates("account_id")
    customers = customers.sort_values("account_id", kind="mergesort")
    rows = []
    for ind in INDUSTRIES:
        cands = customers[customers["industry"] == ind]["account_id"].tolist()
        n = _CASES_PER_INDUSTRY[ind]
        chosen = [cands[int(i)] for i in rng.choice(len(cands), size=n, replace=len(cands) < n)]
        for acc in chosen:
            verified = bool(rng.random() < (0.35 if ind == "government" else 0.74))
            has_story = bool(rng.random() < 0.5)
            if ind == "government" and verified:
                has_story = False  # the sales team has no verified story to show government clients
            consent = bool(rng.random() < 0.6)
            improvement = math.exp(rng.normal(math.log(5.5), 0.5)) * (1.0 if verified else 1.5)
            before = rng.uniform(8, 60)
            rows.append({"account_id": acc, "industry": ind, "metric_name": _pick(rng, _CASE_METRICS[ind]),
                         "before_value": round(before, 1), "after_value": round(min(98.0, before + improvement), 1),
                         "has_story": has_story, "client_named_consent": consent,
                         "quote_available": bool(rng.random() < (0.7 if consent else 0.1)), "verified": verified})
    # the "best case": one exceptional, verified retail result, and an unverified big claim
    best = [i for i, r in enumerate(rows) if r["industry"] == "retail" and r["verified"]][2]
    rows[best].update(before_value=11.8, after_value=52.6, has_story=True, client_named_consent=True,
                      quote_available=True)
    big = [i for i, r in enumerate(rows) if r["industry"] == "finance" and not r["verified"]]
    if big:
        rows[big[0]].update(before_value=21.4, after_value=53.0)
    for ind in INDUSTRIES:  # every other industry has at least one verified story case
        if ind == "government":
            continue
        if not any(r["industry"] == ind and r["verified"] and r["has_story"] for r in rows):
            i = [j for j, r in enumerate(rows) if r["industry"] == ind][0]
            rows[i].update(verified=True, has_story=True)
    df = pd.DataFrame(rows)
    df.insert(0, "case_id", [f"CS{i:02d}" for i in range(1, len(df) + 1)])
    return df


# =====================================================================================
# D13 seed users
# =====================================================================================

def _gen_seed_users(saas: pd.DataFrame) -> pd.DataFrame:
    rng = _rng("seed_users")
    first = saas[saas["month"] == "2023-01"].sort_values("account_id", kind="mergesort")
    accounts = first["account_id"].tolist()
    w = np.sqrt(first["seats"].to_numpy(dtype=float))
    rows = []
    for _ in range(200):
        role = _pick(rng, SEED_ROLES, (0.035, 0.15, 0.30, 0.515))
        posts = int(rng.poisson({"brand_spokesperson": 6, "content_creator": 9, "content_sharer": 1,
                                 "content_consumer": 0.2}[role]))
        shares = int(rng.poisson({"brand_spokesperson": 25, "content_creator": 12, "content_sharer": 20,
                                  "content_consumer": 2}[role]))
        gifts = int(rng.poisson(1.6 if role in ("brand_spokesperson", "content_creator") else 0.6))
        early = bool(rng.random() < (0.5 if role == "content_creator" else 0.3))
        reports = int(rng.poisson(1.2))
        followed = bool(reports > 0 and rng.random() < 0.55)
        x = (-1.0 + 0.9 * (gifts > 0) + 0.8 * early + 1.0 * followed
             + {"brand_spokesperson": 1.0, "content_creator": 0.6, "content_sharer": 0.2, "content_consumer": 0.0}[role])
        rows.append({"account_id": accounts[int(rng.choice(len(accounts), p=w / w.sum()))], "seed_role": role,
                     "joined_date": _rand_date(rng, START, date(2024, 10, 31)), "posts_created": posts,
                     "shares": shares, "gifts_received": gifts, "early_access": early,
                     "review_reports_submitted": reports, "review_followed_up": followed,
                     "active_last_90d": bool(rng.random() < _logistic(x))})
    df = pd.DataFrame(rows)
    df.insert(0, "user_id", [f"U{i:03d}" for i in range(1, len(df) + 1)])
    return df


# =====================================================================================
# D14 ops work log
# =====================================================================================

_TASKS = {
    "content": ("Draft case-study article", "Edit product tutorial", "Write WeChat post", "Proofread white paper",
                "Plan next week's content"),
    "user": ("Call key client admin", "Answer questions in client group", "Update seed-user list",
             "Interview a client user"),
    "event": ("Book venue for salon", "Prepare roundtable invite list", "Coordinate speakers", "Event write-up"),
    "product": ("Collect product feedback", "Write release notes", "Test new feature", "Sync with product manager"),
    "new_media": ("Schedule Weibo posts", "Reply to comments on Zhihu", "Write short-video script"),
    "seo_sem": ("Adjust SEM keyword bids", "Check competitor keywords", "Update landing-page meta tags"),
    "ground_promo": ("Hand out brochures at trade fair", "Visit industrial park", "Set up roadshow booth"),
    "customer_service": ("Handle support ticket", "Remote-assist a client", "Send tutorial link"),
    "misc_odd_job": ("Order office supplies", "Fix the printer", "Book travel for sales", "Print contracts",
                     "Move boxes for the expo", "Collect a delivery", "Update team spreadsheet",
                     "Take meeting notes for the boss"),
}
_MINUTES_MED = {"content": 100, "user": 45, "event": 70, "product": 60, "new_media": 50, "seo_sem": 55,
                "ground_promo": 120, "customer_service": 30, "misc_odd_job": 35}
_OTHER_MIX = {  # non-misc mix per employee (E01 at the start and at the end)
    "E01_start": {"content": 0.25, "customer_service": 0.2, "user": 0.15, "event": 0.1, "new_media": 0.15,
                  "product": 0.1, "seo_sem": 0.05},
    "E01_end": {"content": 0.7, "customer_service": 0.05, "user": 0.08, "event": 0.05, "new_media": 0.07,
                "product": 0.05},
    "E02": {"event": 0.35, "user": 0.3, "ground_promo": 0.15, "customer_service": 0.2},
    "E03": {"seo_sem": 0.35, "new_media": 0.35, "content": 0.15, "product": 0.15},
}


def _gen_ops_worklog() -> pd.DataFrame:
    rng = _rng("ops_worklog")
    monday = date(2024, 3, 4)
    rows = []
    slot = 0
    for emp in ("E01", "E02", "E03"):
        for week in range(1, 13):
            n = 17 if slot % 3 != 2 else 16  # 600 rows over 36 employee-weeks
            slot += 1
            if emp == "E01":
                target = 0.47 if week <= 4 else (0.15 if week >= 9 else 0.47 - 0.32 * (week - 4) / 5)
                f = _clip((week - 3) / 7, 0.0, 1.0)
                mix = {k: (1 - f) * _OTHER_MIX["E01_start"].get(k, 0) + f * _OTHER_MIX["E01_end"].get(k, 0)
                       for k in OPS_TYPES if k != "misc_odd_job"}
            else:
                target = 0.22 if emp == "E02" else 0.18
                mix = {k: _OTHER_MIX[emp].get(k, 0) for k in OPS_TYPES if k != "misc_odd_job"}
            other_avg = sum(p * _MINUTES_MED[k] for k, p in mix.items()) / sum(mix.values())
            misc_m = _MINUTES_MED["misc_odd_job"]
            p_misc = target * other_avg / (misc_m * (1 - target) + target * other_avg)
            kinds = list(mix)
            n_misc = int(round(n * p_misc + rng.normal(0, 0.5)))
            is_misc = rng.permutation(n) < n_misc
            for j in range(n):
                kind = "misc_odd_job" if is_misc[j] else _pick(rng, kinds, [mix[k] for k in kinds])
                minutes = int(_clip(5 * round(math.exp(rng.normal(math.log(_MINUTES_MED[kind]), 0.45)) / 5), 10, 240))
                day = _days(monday, 7 * (week - 1) + int(rng.integers(0, 5)))
                rows.append({"date": day, "employee_id": emp, "week": week, "task": _pick(rng, _TASKS[kind]),
                             "ops_type": kind, "minutes": minutes})
    df = pd.DataFrame(rows)
    df["h_order"] = np.arange(len(df))
    return df.sort_values(["date", "employee_id", "h_order"], kind="mergesort").reset_index(drop=True)


# =====================================================================================
# D15 content plan
# =====================================================================================

_PLAN_TOPICS = {
    "decision_maker": ("Industry trend brief: {ind}", "ROI story: a {ind} client", "CEO interview: {ind}",
                       "Cost-saving benchmark for {ind}", "Annual {ind} data report"),
    "admin": ("Admin tips: user permissions", "Release notes and what changed", "Integration guide: {sys}",
              "Data backup checklist", "Security settings walkthrough"),
    "business_user": ("How-to: {task}", "Best practice: {task}", "Power-user story: {ind}",
                      "Five shortcuts for daily work", "Template pack: {task}"),
}


def _gen_content_plan() -> pd.DataFrame:
    rng = _rng("content_plan")
    empty_p = {"decision_maker": 0.16, "admin": 0.58, "business_user": 0.16}
    supervisor = {"decision_maker": "M01", "admin": "M02", "business_user": "M01"}
    rows = []
    for week in range(1, 53):
        for persona in CONTACT_TYPES:
            if rng.random() < empty_p[persona]:
                rows.append({"week": week, "persona": persona, "planned_topic": None, "source": None,
                             "format": None, "writer": None, "supervisor": supervisor[persona],
                             "status": "skipped" if week <= 40 else "planned"})
                continue
            topic = _pick(rng, _PLAN_TOPICS[persona]).format(
                ind=_IND_LABEL[_pick(rng, INDUSTRIES)], sys=_pick(rng, _TEXT_FILL["s"]),
                task=_pick(rng, _TEXT_FILL["a"]))
            status = "planned" if week > 40 else ("done" if rng.random() < 0.85 else "skipped")
            rows.append({"week": week, "persona": persona, "planned_topic": topic,
                         "source": _pick(rng, ("self_written", "user_created", "other"), (0.6, 0.25, 0.15)),
                         "format": _pick(rng, ("text", "video", "comics"), (0.65, 0.25, 0.10)),
                         "writer": _pick(rng, ("E01", "E04", "E05"), (0.5, 0.3, 0.2)),
                         "supervisor": supervisor[persona], "status": status})
    return pd.DataFrame(rows)


# =====================================================================================
# Formatting (frames -> CSV text) and parsing (CSV text -> typed frames)
# =====================================================================================

def _is_missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if isinstance(v, np.floating) and np.isnan(v):
        return True
    if isinstance(v, np.datetime64) and np.isnat(v):
        return True
    return False


def _format_value(v, col: Column, where: str) -> str:
    if _is_missing(v):
        if not col.nullable:
            raise ValueError(f"{where}: empty value in non-nullable column {col.name!r}")
        return ""
    t = col.dtype
    if t in ("str", "category"):
        s = str(v)
        if t == "category" and s not in col.categories:
            raise ValueError(f"{where}: {s!r} not in {col.categories}")
        return s
    if t == "int":
        if isinstance(v, (bool, np.bool_)) or int(v) != v:
            raise ValueError(f"{where}: {v!r} is not an integer")
        return str(int(v))
    if t == "float":
        s = f"{float(v):.{col.decimals}f}"
        return s[1:] if s.startswith("-") and float(s) == 0 else s
    if t == "bool":
        if not isinstance(v, (bool, np.bool_)):
            raise ValueError(f"{where}: {v!r} is not a bool")
        return "True" if v else "False"
    if t == "date":
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    if t == "datetime":
        return pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S")
    raise ValueError(f"unknown dtype {t!r}")


def _to_csv_text(df: pd.DataFrame, ds: Dataset) -> str:
    out = {}
    for col in ds.columns:
        where = f"{ds.filename}, column {col.name!r}"
        out[col.name] = [_format_value(v, col, where) for v in df[col.name].tolist()]
    return pd.DataFrame(out, dtype=object).to_csv(index=False, lineterminator="\n")


_INT_RE = re.compile(r"[+-]?\d+")
_FLOAT_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_EXPECTED = {
    "int": ("is not an integer", "expected a whole number such as 42"),
    "float": ("is not a number", "expected a number such as 3.5"),
    "bool": ("is not a boolean", "expected True or False"),
    "date": ("is not a date", "expected a date written YYYY-MM-DD, such as 2024-03-04"),
    "datetime": ("is not a date-time", "expected YYYY-MM-DD HH:MM:SS, such as 2024-03-04 09:30:00"),
    "str": ("is not text", "expected text"),
}


def _value_ok(v, col: Column) -> bool:
    """Is the (non-missing) value acceptable for the column? Accepts typed values and CSV text."""
    t = col.dtype
    if t in ("str", "category"):
        return isinstance(v, str) and (t == "str" or v in col.categories)
    if t == "int":
        if isinstance(v, (bool, np.bool_)):
            return False
        if isinstance(v, (int, np.integer)):
            return True
        if isinstance(v, (float, np.floating)):
            return math.isfinite(v) and float(v).is_integer()
        return isinstance(v, str) and _INT_RE.fullmatch(v) is not None
    if t == "float":
        if isinstance(v, (bool, np.bool_)):
            return False
        if isinstance(v, (int, float, np.integer, np.floating)):
            return math.isfinite(v)
        return isinstance(v, str) and _FLOAT_RE.fullmatch(v) is not None
    if t == "bool":
        return isinstance(v, (bool, np.bool_)) or v in ("True", "False")
    if t in ("date", "datetime"):
        if isinstance(v, (pd.Timestamp, datetime, date, np.datetime64)):
            return t == "datetime" or pd.Timestamp(v) == pd.Timestamp(v).normalize()
        if not isinstance(v, str):
            return False
        if (_DATE_RE if t == "date" else _DATETIME_RE).fullmatch(v) is None:
            return False
        try:  # a real day and time: the pattern fixes the form, fromisoformat (in C) the ranges
            datetime.fromisoformat(v)
        except ValueError:
            return False
        return True
    return False


def _expected_columns(ds: Dataset) -> str:
    return ", ".join(ds.column_names)


def _check_columns(columns, ds: Dataset) -> None:
    columns = [str(c) for c in columns]
    for name in ds.column_names:
        if name not in columns:
            raise DatasetError(f"{ds.filename}: column {name!r} is missing "
                               f"(expected columns: {_expected_columns(ds)}).")
    for name in columns:
        if name not in ds.column_names:
            raise DatasetError(f"{ds.filename}: unexpected column {name!r} "
                               f"(expected columns: {_expected_columns(ds)}).")
    dup = sorted({c for c in columns if columns.count(c) > 1})
    if dup:
        raise DatasetError(f"{ds.filename}: column {dup[0]!r} appears more than once "
                           f"(expected each of: {_expected_columns(ds)} once).")


def _problem(ds: Dataset, col: Column, positions: list[int], value, what: str, expected: str,
             from_file: bool) -> DatasetError:
    i = positions[0]
    where = f"row {i + 1} (line {i + 2} of the file)" if from_file else f"row {i + 1}"
    shown = "empty value" if value is None else f"{value!r} {what}"
    more = len(positions) - 1
    if more == 0:
        tail = ""
    elif more == 1:
        tail = " 1 more row in this column has the same problem."
    else:
        tail = f" {more} more rows in this column have the same problem."
    return DatasetError(f"{ds.filename}, column {col.name!r}, {where}: {shown} ({expected}).{tail}")


def _check_series(values: list, col: Column, ds: Dataset, from_file: bool = False) -> list[bool]:
    """Raise DatasetError on the first bad value of one column; return its missing mask."""
    missing = [_is_missing(v) or (isinstance(v, str) and v == "") for v in values]
    if not col.nullable and any(missing):
        pos = [i for i, m in enumerate(missing) if m]
        raise _problem(ds, col, pos, None, "", "this column may not have empty values", from_file)
    bad = [i for i, (v, m) in enumerate(zip(values, missing)) if not m and not _value_ok(v, col)]
    if bad:
        if col.dtype == "category":
            what, expected = "is not an allowed value", "expected one of: " + ", ".join(col.categories)
        else:
            what, expected = _EXPECTED[col.dtype]
        raise _problem(ds, col, bad, values[bad[0]], what, expected, from_file)
    return missing


def _dataset(name: str) -> Dataset:
    key = str(name)
    if key.endswith(".csv"):
        key = key[:-4]
    if key not in DATASETS:
        raise DatasetError(f"unknown dataset {name!r}; known datasets: {', '.join(DATASETS)} "
                           f"(a short name or a file name such as deals.csv).")
    return DATASETS[key]


def validate(name: str, df: pd.DataFrame) -> None:
    """Check ``df`` against the schema of dataset ``name``: the columns, the type of every value,
    nullability and category membership. Raises :class:`DatasetError`; returns None if fine."""
    ds = _dataset(name)
    _check_columns(list(df.columns), ds)
    for col in ds.columns:
        _check_series(df[col.name].tolist(), col, ds)


def _convert(values: list[str], missing: list[bool], col: Column):
    t = col.dtype
    if t in ("str", "category"):
        return pd.Series([None if m else v for v, m in zip(values, missing)], dtype="str")
    if t == "int":
        if col.nullable:
            return pd.array([pd.NA if m else int(v) for v, m in zip(values, missing)], dtype="Int64")
        return np.array([int(v) for v in values], dtype="int64")
    if t == "float":
        return np.array([np.nan if m else float(v) for v, m in zip(values, missing)], dtype="float64")
    if t == "bool":
        if col.nullable:
            return pd.array([pd.NA if m else v == "True" for v, m in zip(values, missing)], dtype="boolean")
        return np.array([v == "True" for v in values], dtype=bool)
    fmt = "%Y-%m-%d" if t == "date" else "%Y-%m-%d %H:%M:%S"
    parsed = pd.to_datetime(pd.Series([None if m else v for v, m in zip(values, missing)], dtype=object),
                            format=fmt)
    return parsed.astype("datetime64[ns]")


def _parse_csv(source, ds: Dataset) -> pd.DataFrame:
    """Read CSV text or a file as text, check it against the schema, return the typed frame."""
    try:
        raw = pd.read_csv(source, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    except pd.errors.EmptyDataError:
        raise DatasetError(f"{ds.filename}: the file is empty (expected a header line with the columns "
                           f"{_expected_columns(ds)}).") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{ds.filename}: cannot be read as a UTF-8 CSV file ({exc}).") from None
    _check_columns(list(raw.columns), ds)
    out = {}
    for col in ds.columns:
        values = [str(v) for v in raw[col.name].tolist()]
        missing = _all_ok(values, col)
        if missing is None:  # some value is not: the value-by-value check names it
            missing = _check_series(values, col, ds, from_file=True)
        out[col.name] = _convert(values, missing, col)
    return pd.DataFrame(out)


def _all_ok(values: list[str], col: Column) -> list[bool] | None:
    """The missing mask of one column of CSV text if every value passes :func:`_check_series`,
    which is then asked once per distinct value (CSV text is all strings, and a column
    repeats its values: a date, a category, a price); None if any value does not, so that
    the value-by-value check names it and says where."""
    missing = [v == "" for v in values]
    if not col.nullable and any(missing):
        return None
    if col.dtype != "str" and not all(_value_ok(v, col) for v in set(values) - {""}):
        return None
    return missing


def data_dir() -> Path:
    """Where the CSVs live: $TOBOPS_DATA_DIR, else the installed package's _datasets folder,
    else the repository's datasets/ folder."""
    import os

    import tobops

    env = os.environ.get("TOBOPS_DATA_DIR")
    if env:
        return Path(env)
    packaged = Path(tobops.__file__).parent / "_datasets"
    if packaged.is_dir():
        return packaged
    return Path(tobops.__file__).resolve().parent.parent / "datasets"


def load(name: str, data_dir: Path | str | None = None, variant: int | None = None) -> pd.DataFrame:
    """Read one dataset (short name such as "deals" or file name such as "deals.csv") with proper
    dtypes: dates as datetime64, booleans as bool (pandas "boolean" when the column may be empty),
    nullable integers as "Int64", text and categories as str. Raises :class:`DatasetError`.

    ``variant`` (a positive integer) gives one trainee's version of the data for their
    assessment form: the same columns and types, a different seeded sample (see
    :func:`variant_of`), so that every trainee's answers to a data task differ."""
    ds = _dataset(name)
    base = Path(data_dir) if data_dir is not None else globals()["data_dir"]()
    path = base / ds.filename
    if not path.is_file():
        raise DatasetError(f"{path} not found. Run `tobops data build` to regenerate the datasets.")
    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    frame = _LOADED.get(key)
    if frame is None:
        frame = _LOADED[key] = _parse_csv(path, ds)
    return variant_of(ds.name, frame, variant) if variant else frame.copy(deep=True)


#: How a data variant differs from the course data, per dataset. Entity tables keep a
#: seeded 80% of their entities (a deal with its stakeholders and visits, an account with
#: its tickets, cases and seed users, an event with its leads), so joins stay consistent;
#: time series keep every row and scale each row's counts by a seeded factor of 0.9 to 1.1.
VARIANT_UNIT = {
    "deals": "deal_id", "deal_stakeholders": "deal_id", "client_visits": "deal_id",
    "saas_accounts": "account_id", "tickets": "account_id", "case_library": "account_id",
    "seed_users": "account_id", "events": "event_id", "leads": ("event_id", "lead_id"),
    "content": "content_id", "training_assessments": "rep_id", "ops_worklog": None, "content_plan": None,
}
VARIANT_SCALE = {
    "toc_funnel": ("visits", "acquisitions", "signups", "activations", "d1_retained", "d7_retained",
                   "paying_users", "orders", "revenue_cny", "referrals"),
    "toc_cohorts": ("active_users",),
    "metrics_weekly": ("orders_placed", "driver_accepted_orders", "active_merchants", "app_downloads", "page_views",
                       "community_group_messages", "registered_drivers", "trial_signups", "revenue_cny", "renewals"),
}
VARIANT_KEEP = 0.8


def _variant_hash(values, variant: int, salt: str) -> np.ndarray:
    """A deterministic number in [0, 1) per value, for this variant."""
    keys = pd.Series(values).astype(str).to_numpy(dtype=object)
    h = pd.util.hash_array(keys, hash_key=f"{variant % 10**16:016d}", categorize=False)
    h2 = pd.util.hash_array(np.array([salt] * len(keys), dtype=object), hash_key=f"{variant % 10**16:016d}")
    return ((h ^ h2) % np.uint64(1_000_003)).astype(float) / 1_000_003


def variant_of(name: str, frame: pd.DataFrame, variant: int) -> pd.DataFrame:
    """One variant of a dataset (a copy; ``frame`` is not changed)."""
    ds = _dataset(name)
    df = frame.copy(deep=True)
    if ds.name in VARIANT_SCALE:
        factor = 0.9 + 0.2 * _variant_hash(df.index.to_numpy(), variant, ds.name)
        for col in VARIANT_SCALE[ds.name]:
            spec = next(c for c in ds.columns if c.name == col)
            scaled = df[col] * factor
            df[col] = scaled.round().astype(df[col].dtype) if spec.dtype == "int" else scaled.round(spec.decimals)
        if ds.name == "toc_funnel":
            df["avg_order_value_cny"] = (df["revenue_cny"] / df["orders"]).round(2)
        if ds.name == "toc_cohorts":  # day 0 is the whole cohort; nobody more active than that
            day0 = df["day_offset"] == 0
            df.loc[day0, "active_users"] = df.loc[day0, "cohort_size"]
            df["active_users"] = df[["active_users", "cohort_size"]].min(axis=1).astype(df["active_users"].dtype)
        return df
    unit = VARIANT_UNIT[ds.name]
    if unit is None:
        values = df.index.to_numpy()
    elif isinstance(unit, tuple):
        values = df[unit[0]].astype(object).where(df[unit[0]].notna(), df[unit[1]])
    else:
        values = df[unit]
    keep = _variant_hash(values, variant, "keep") < VARIANT_KEEP
    return df[keep].reset_index(drop=True)


#: Frames already read and checked, by (file, modification time, size); ``load`` hands out
#: copies, so a caller changing its frame changes nobody else's. The grading fork server
#: fills this before it forks kernels (:func:`preload`), so each kernel skips the parse.
_LOADED: dict[tuple[str, int, int], pd.DataFrame] = {}


def preload(data_dir: Path | str | None = None) -> None:
    """Read every dataset once into the cache that :func:`load` copies from."""
    for name in DATASETS:
        try:
            load(name, data_dir)
        except DatasetError:
            pass  # load() will say so, with its own message, when someone asks for it


# =====================================================================================
# Generation and build
# =====================================================================================

def _generate_raw() -> dict[str, pd.DataFrame]:
    """All frames, with the generator's helper columns (names starting with 'h_'), in dependency order."""
    events = _gen_events()
    deals = _gen_deals(events)
    stakeholders = _gen_deal_stakeholders(deals)
    saas = _gen_saas_accounts(deals)
    tickets = _gen_tickets(saas, deals)
    saas = _attach_response_times(saas, tickets)
    funnel, cohorts = _gen_toc()
    return {
        "deals": deals, "deal_stakeholders": stakeholders, "saas_accounts": saas, "events": events,
        "leads": _gen_leads(deals, events), "content": _gen_content(), "tickets": tickets,
        "toc_funnel": funnel, "toc_cohorts": cohorts, "metrics_weekly": _gen_metrics_weekly(),
        "training_assessments": _gen_training(deals), "client_visits": _gen_client_visits(deals, stakeholders),
        "case_library": _gen_case_library(deals), "seed_users": _gen_seed_users(saas),
        "ops_worklog": _gen_ops_worklog(), "content_plan": _gen_content_plan(),
    }


def _generate_texts() -> dict[str, str]:
    raw = _generate_raw()
    return {name: _to_csv_text(raw[name], ds) for name, ds in DATASETS.items()}


def generate() -> dict[str, pd.DataFrame]:
    """All datasets in memory, exactly as :func:`load` returns them from the built files."""
    return {name: _parse_csv(io.StringIO(text), DATASETS[name]) for name, text in _generate_texts().items()}


def build(out_dir: Path | str | None = None) -> dict[str, Path]:
    """Write every CSV and README.md (the data dictionary) into ``out_dir`` (default:
    :func:`data_dir`). Returns {dataset name: path, "README.md": path}."""
    out = Path(out_dir) if out_dir is not None else data_dir()
    out.mkdir(parents=True, exist_ok=True)
    texts = _generate_texts()
    frames = {name: _parse_csv(io.StringIO(text), DATASETS[name]) for name, text in texts.items()}
    paths = {}
    for name, text in texts.items():
        path = out / DATASETS[name].filename
        path.write_bytes(text.encode("utf-8"))
        paths[name] = path
    readme = out / "README.md"
    readme.write_bytes(data_dictionary_markdown(frames).encode("utf-8"))
    paths["README.md"] = readme
    return paths


# =====================================================================================
# Built-in signals
# =====================================================================================

def _is_true(s: pd.Series) -> np.ndarray:
    """True where a (possibly nullable) boolean column is True; missing counts as False."""
    return s.astype("boolean").fillna(False).to_numpy(dtype=bool)


def _rate(num, den) -> float:
    return float(num) / float(den) if den else float("nan")


def verify_signals(frames: dict[str, pd.DataFrame]) -> list[str]:
    """Check every built-in signal of the curriculum map (and the cross-file links) on the
    typed frames (as from :func:`generate` or :func:`load`). Returns human-readable failures;
    an empty list means all good."""
    fails: list[str] = []

    def check(ok, message):
        if not bool(ok):
            fails.append(message)

    f = frames
    for name, ds in DATASETS.items():
        lo, hi = _ROW_RANGES[name]
        check(lo <= len(f[name]) <= hi, f"{ds.filename}: {len(f[name])} rows, expected {lo}-{hi}")
        for col in ds.columns:
            if col.dtype in ("date", "datetime"):
                s = f[name][col.name].dropna()
                check(s.empty or (s.min() >= pd.Timestamp(START) and s.max() < pd.Timestamp(END) + pd.Timedelta(days=1)),
                      f"{ds.filename}: {col.name} has dates outside 2023-01-01..2024-12-31")

    # ---- D1 / D2 -------------------------------------------------------------------
    deals, st = f["deals"], f["deal_stakeholders"]
    closed = deals[deals["won"].notna()]
    won = closed["won"].astype(bool)
    rates = [_rate(won[closed["roles_met"] == m].sum(), (closed["roles_met"] == m).sum()) for m in range(6)]
    check(all(a < b for a, b in zip(rates, rates[1:])), f"D1 win rate by roles_met not increasing: {rates}")
    for m, (r, t) in enumerate(zip(rates, WIN_TARGETS)):
        check(abs(r - t) <= 0.06, f"D1 win rate at roles_met={m} is {r:.3f}, expected about {t}")
    wr = closed.assign(w=won).groupby("primary_contact_type")["w"].mean()
    check(wr.get("decision_maker", 0) - wr.get("business_user", 1) >= 0.05,
          f"D1 decision_maker win rate {wr.get('decision_maker')} not above business_user {wr.get('business_user')}")
    lh = closed.assign(w=won).groupby("lighthouse_reference_used")["w"].mean()
    lift = lh.get(True, 0) - lh.get(False, 0)
    check(0.05 <= lift <= 0.16, f"D1 lighthouse lift {lift:.3f}, expected about 0.10")
    open_share = deals["won"].isna().mean()
    check(0.30 <= open_share <= 0.40, f"D1 open share {open_share:.3f}, expected about 0.35")
    saas_share = (deals["deal_model"] == SAAS).mean()
    check(0.55 <= saas_share <= 0.65, f"D1 SaaS share {saas_share:.3f}, expected about 0.60")
    sd, pj = deals[deals["deal_model"] == SAAS], deals[deals["deal_model"] == PROJECT]
    check(0.62 <= (sd["client_size"] == "small_b").mean() <= 0.78, "D1 SaaS deals are not mostly small_b (~70%)")
    check((pj["client_size"] == "large").mean() >= 0.5, "D1 project deals are not mostly large")
    check(600_000 <= pj["amount_cny"].median() <= 1_000_000, f"D1 project median amount {pj['amount_cny'].median()}")
    check(pj["amount_cny"].between(200_000, 5_000_000).all(), "D1 project amounts outside 200,000-5,000,000")
    check(sd["amount_cny"].between(3_000, 60_000).all(), "D1 SaaS amounts outside 3,000-60,000")
    pcyc, scyc = pj["cycle_days"].dropna(), sd["cycle_days"].dropna()
    check(pcyc.between(60, 365).all() and scyc.between(0, 30).all(), "D1 cycle_days outside the model's range")
    zero = float((scyc == 0).mean())
    check(0.10 <= zero <= 0.20, f"D1 share of closed SaaS deals with cycle_days 0 is {zero:.3f}, expected ~0.15")
    check(((deals["stage"].isin(["won", "lost"])) == deals["close_date"].notna()).all()
          and ((deals["stage"] == "won").to_numpy() == _is_true(deals["won"])).all(), "D1 stage/won/close_date inconsistent")
    for size, (lo, hi) in _EMPLOYEES.items():
        e = deals.loc[deals["client_size"] == size, "company_size_employees"]
        check(e.between(lo, hi).all(), f"D1 company_size_employees outside {lo}-{hi} for {size}")
    check(deals.groupby("account_id")[["account_name", "industry", "client_size", "deal_model",
                                       "company_size_employees"]].nunique().max().max() == 1,
          "D1 an account has more than one name/industry/size/model")
    n_roles = st.groupby("deal_id")["purchase_role"].nunique()
    n_met = st[st["met"]].groupby("deal_id")["purchase_role"].nunique()
    d_idx = deals.set_index("deal_id")
    check((n_roles.reindex(d_idx.index, fill_value=0) == d_idx["decision_roles_involved"]).all(),
          "D1 decision_roles_involved != distinct D2 roles")
    check((n_met.reindex(d_idx.index, fill_value=0) == d_idx["roles_met"]).all(), "D1 roles_met != met D2 roles")
    check(st["deal_id"].isin(deals["deal_id"]).all(), "D2 deal_id not all in D1")
    proj_ids = set(pj["deal_id"])
    pst = st[st["deal_id"].isin(proj_ids)]
    check((pst.groupby("deal_id").size() == 5).all() and len(pst) == 5 * len(proj_ids)
          and (pst.groupby("deal_id")["purchase_role"].nunique() == 5).all(),
          "D2 project deals do not have exactly one row per role")
    check(not st.loc[st["deal_id"].isin(proj_ids), "merged_role"].any(), "D2 merged_role set on a project deal")
    check((st["person_title"].map(TITLE_TYPE) == st["customer_type"]).all(), "D2 customer_type not mapped from title")
    check(((~st["met"]) == (st["met_by"] == "none")).all() and ((~st["met"]) == (st["visit_action"] == "none")).all(),
          "D2 met / met_by / visit_action inconsistent")
    acts = st[st["met"]].groupby("person_title")["visit_action"].agg(lambda s: s.value_counts().idxmax())
    check(acts.get("CEO") == "interests_discussion", f"D2 CEO's most common visit_action is {acts.get('CEO')}")
    check(acts.get("frontline_user") == "product_training",
          f"D2 frontline_user's most common visit_action is {acts.get('frontline_user')}")
    prim_ok = st[st["met"] | (d_idx.loc[st["deal_id"], "roles_met"].to_numpy() == 0)]
    has_type = prim_ok.groupby("deal_id")["customer_type"].agg(lambda s: set(s))
    check(all(d_idx.at[i, "primary_contact_type"] in has_type.get(i, set()) for i in d_idx.index),
          "D1 primary_contact_type has no matching (met) stakeholder in D2")

    # ---- D3 / D7 -------------------------------------------------------------------
    saas, tickets = f["saas_accounts"], f["tickets"]
    due = saas[saas["renewal_due"]]
    check(due["renewed"].notna().all() and saas.loc[~saas["renewal_due"], "renewed"].isna().all(),
          "D3 renewed must be set exactly when renewal_due")
    overall = float(_is_true(due["renewed"]).mean())
    check(0.75 <= overall <= 0.85, f"D3 overall renewal rate {overall:.3f}, expected 0.75-0.85")
    med = tickets.groupby("account_id")["first_response_min"].median()
    due_m = due.assign(resp=due["account_id"].map(med), r=_is_true(due["renewed"]))
    slow = due_m.loc[due_m["resp"] > 120, "r"].mean()
    rest = due_m.loc[due_m["resp"] <= 120, "r"].mean()
    fast = due_m.loc[due_m["resp"] <= 30, "r"].mean()
    check(slow < rest - 0.08, f"D3 renewal with median first response > 120 min ({slow:.3f}) not lower than "
                              f"the others ({rest:.3f})")
    check(fast > slow + 0.1, f"D3 renewal (fast <= 30 min) {fast:.3f} vs (slow > 120 min) {slow:.3f}")
    tr = due_m.groupby("trained")["r"].mean()
    check(tr.get(False, 1) < tr.get(True, 0) - 0.08, f"D3 untrained renewal {tr.get(False)} not below trained {tr.get(True)}")
    sz = due_m.groupby("client_size")["r"].mean()
    check(sz.get("small_b", 1) < sz.get("large", 0), f"D3 small_b renewal {sz.get('small_b')} not below large {sz.get('large')}")
    active = saas[saas["mrr_cny"] > 0]
    check(active["mrr_cny"].between(300, 50_000).all() and active["seats"].between(3, 500).all(),
          "D3 mrr_cny or seats out of range for active months")
    check((saas["active_users"] <= saas["seats"]).all(), "D3 active_users > seats")
    key_accounts = saas.drop_duplicates("account_id")["is_key_account"].mean()
    key_mrr = _rate(active.loc[active["is_key_account"], "mrr_cny"].sum(), active["mrr_cny"].sum())
    check(0.08 <= key_accounts <= 0.12 and 0.4 <= key_mrr <= 0.6,
          f"D3 key accounts {key_accounts:.3f} of accounts with {key_mrr:.3f} of MRR, expected ~0.10 and ~0.50")
    check(saas["account_id"].nunique() == 150 and saas.groupby("account_id").size().eq(24).all(),
          "D3 is not 150 accounts x 24 months")
    counts = tickets.assign(month=tickets["created_at"].dt.strftime("%Y-%m")).groupby(["account_id", "month"]).size()
    keys = list(zip(saas["account_id"], saas["month"]))
    check(all(counts.get(k, 0) == n for k, n in zip(keys, saas["tickets_opened"])),
          "D3 tickets_opened != number of D7 tickets")
    check(set(saas["account_id"]) <= set(deals["account_id"]), "D3 accounts are not all in D1")
    d3 = saas.drop_duplicates("account_id").set_index("account_id")
    d1a = deals.drop_duplicates("account_id").set_index("account_id").loc[d3.index]
    check((d3["industry"] == d1a["industry"]).all() and (d3["client_size"] == d1a["client_size"]).all()
          and (d1a["deal_model"] == SAAS).all(), "D3 accounts disagree with D1 on industry/size/model")
    check(tickets["account_id"].isin(deals["account_id"]).all(), "D7 account_id not all in D1")
    top3 = tickets["category"].value_counts().iloc[:3].sum() / len(tickets)
    check(0.65 <= top3 <= 0.75, f"D7 top-3 categories hold {top3:.3f} of tickets, expected ~0.70")
    model = deals.drop_duplicates("account_id").set_index("account_id")["deal_model"]
    per_acc = tickets.groupby("account_id").size()
    tpa = per_acc.groupby(model.reindex(per_acc.index)).mean()
    check(tpa.get(SAAS, 0) > tpa.get(PROJECT, 0), f"D7 tickets per account SaaS {tpa.get(SAAS)} vs project {tpa.get(PROJECT)}")
    check(tickets["first_response_min"].between(1, 600).all(), "D7 first_response_min outside 1-600")

    # ---- D4 / D5 -------------------------------------------------------------------
    events, leads = f["events"], f["leads"]
    check("EV07" in set(events["event_id"]), "D4 has no EV07")
    check(events["attendee_count"].between(15, 5000).all() and events["share_cxo"].between(0, 0.9).all()
          and events["cost_cny"].between(5_000, 600_000).all(), "D4 attendee_count/share_cxo/cost_cny out of range")
    check(events.loc[events["mode"] == "attend", ["invite_list_synced_daily", "warmup_owner"]].isna().all().all(),
          "D4 attended events have hosting fields")
    pm = events.set_index("event_id")
    g = leads[leads["event_id"].notna()].groupby("event_id").agg(leads=("lead_id", "size"), won=("won", "sum"))
    pm = pm.join(g).fillna({"leads": 0, "won": 0})
    by_fmt = pm.groupby("event_format").agg(cost=("cost_cny", "sum"), leads=("leads", "sum"), won=("won", "sum"))
    by_fmt["close"] = by_fmt["won"] / by_fmt["leads"]
    by_fmt["cpw"] = by_fmt["cost"] / by_fmt["won"].where(by_fmt["won"] > 0)
    check(by_fmt["close"].idxmax() == "cxo_roundtable", f"D4 best close rate is {by_fmt['close'].idxmax()}")
    check(by_fmt["cpw"].idxmin() == "cxo_roundtable", f"D4 best cost per won deal is {by_fmt['cpw'].idxmin()}")
    check(by_fmt["cpw"].fillna(np.inf).idxmax() == "expo", "D4 expos do not have the worst cost per won deal")
    check(by_fmt["close"].idxmin() == "expo", "D4 expos do not have the lowest close rate")
    hi_c, lo_c = pm[pm["share_cxo"] >= 0.5], pm[pm["share_cxo"] < 0.2]
    cpw_hi = _rate(hi_c["cost_cny"].sum(), hi_c["won"].sum())
    cpw_lo = _rate(lo_c["cost_cny"].sum(), lo_c["won"].sum())
    check(cpw_hi < 0.5 * cpw_lo, f"D4 cost per won: share_cxo>=0.5 {cpw_hi:.0f} vs <0.2 {cpw_lo:.0f}")
    check(_rate(hi_c["won"].sum(), hi_c["leads"].sum()) > _rate(lo_c["won"].sum(), lo_c["leads"].sum()),
          "D4 high-CxO events do not close better than low-CxO events")
    conv = leads[leads["converted_deal_id"].notna()]
    check(conv["converted_deal_id"].isin(deals["deal_id"]).all() and conv["converted_deal_id"].is_unique,
          "D5 converted_deal_id not unique or not in D1")
    check(leads["event_id"].dropna().isin(events["event_id"]).all(), "D5 event_id not all in D4")
    cd = deals.set_index("deal_id").loc[conv["converted_deal_id"]]
    check((_is_true(cd["won"]) == conv["won"].to_numpy()).all()
          and (np.where(conv["won"], cd["amount_cny"].to_numpy(), 0) == conv["won_amount_cny"].to_numpy()).all()
          and (cd["source_channel"].to_numpy() == conv["channel"].to_numpy()).all()
          and (conv["created_date"].to_numpy() <= cd["created_date"].to_numpy()).all(),
          "D5 converted leads disagree with their D1 deals")
    check(not leads.loc[leads["converted_deal_id"].isna(), "won"].any(), "D5 unconverted lead marked won")
    ev_ch = leads[leads["event_id"].notna()]
    check((ev_ch["channel"] == "conference_" + ev_ch["event_id"].map(events.set_index("event_id")["mode"])).all(),
          "D5 event leads' channel does not match the event mode")

    # ---- D6 ------------------------------------------------------------------------
    c = f["content"]
    reads = c["reads_targeted"] + c["reads_untargeted"]
    check((reads == c["uv"]).all() and (c["uv"] <= c["pv"]).all() and c["pv"].between(50, 20_000).all()
          and c["leads"].between(0, 25).all() and c["media_reposts"].between(0, 40).all(),
          "D6 reads/uv/pv/leads/reposts inconsistent or out of range")
    niche = c["content_type"].isin(["industry_summary", "tech_product_sharing"])
    broad = c["content_type"].isin(["story_sharing", "event_report"])
    lpk_n = 1000 * _rate(c.loc[niche, "leads"].sum(), reads[niche].sum())
    lpk_b = 1000 * _rate(c.loc[broad, "leads"].sum(), reads[broad].sum())
    check(c.loc[niche, "pv"].median() < c.loc[broad, "pv"].median(), "D6 niche types do not have lower PV")
    check(c.loc[niche, "target_share"].mean() > c.loc[broad, "target_share"].mean() + 0.3,
          "D6 niche types do not have a clearly higher target_share")
    check(lpk_n > 2 * lpk_b, f"D6 leads per 1000 reads niche {lpk_n:.2f} vs broad {lpk_b:.2f}")
    check(c.loc[broad, "channel"].value_counts().idxmax() == "wechat_oa", "D6 broad pieces not mainly on WeChat")
    check(((reads.between(900, 1100)) & (c["target_share"] < 0.2)).any()
          and ((reads.between(80, 120)) & (c["target_share"] > 0.6)).any(), "D6 lacks the 1,000-vs-100 reads pair")
    june = c[(c["publish_date"].dt.strftime("%Y-%m") == "2024-06") & (c["content_type"] == "industry_summary")]
    check(len(june) >= 1, "D6 has no industry_summary in 2024-06")
    check((c.groupby(c["publish_date"].dt.strftime("%Y-%m"))["baidu_index"].nunique() == 1).all(),
          "D6 baidu_index differs within a month")

    # ---- D8 ------------------------------------------------------------------------
    fu, co = f["toc_funnel"], f["toc_cohorts"]
    d1r, d7r = fu["d1_retained"] / fu["acquisitions"], fu["d7_retained"] / fu["acquisitions"]
    check(d1r.between(0.35, 0.45).all() and d7r.between(0.15, 0.20).all(),
          f"D8 funnel retention outside range: d1 {d1r.min():.3f}-{d1r.max():.3f}, d7 {d7r.min():.3f}-{d7r.max():.3f}")
    check(fu["acquisitions"].between(50_000, 200_000).all() and (fu["visits"] > fu["acquisitions"]).all()
          and (fu["signups"] == fu["acquisitions"]).all() and (fu["orders"] >= fu["paying_users"]).all(),
          "D8 funnel volumes inconsistent")
    check(fu["median_days_to_purchase"].median() <= 3, "D8 median_days_to_purchase not typically 0-3")
    piv = co.pivot(index="cohort_week", columns="day_offset", values="active_users")
    size = co.drop_duplicates("cohort_week").set_index("cohort_week")["cohort_size"]
    c1, c7 = piv[1] / size, piv[7] / size
    check(c1.between(0.35, 0.45).all() and c7.between(0.15, 0.20).all(),
          f"D8 cohort retention outside range: d1 {c1.min():.3f}-{c1.max():.3f}, d7 {c7.min():.3f}-{c7.max():.3f}")
    check(pd.Timestamp("2024-03-04") in set(piv.index) and piv.shape == (52, 31)
          and (pd.Series(piv.index).dt.day_of_week == 0).all(), "D8 cohorts are not 52 Monday cohorts x 31 days")
    tob_daily = len(deals) / 731
    check(fu["acquisitions"].median() / tob_daily >= 1e3, "D8 volumes not orders of magnitude above ToB")

    # ---- D9 ------------------------------------------------------------------------
    mw = f["metrics_weekly"]
    for b in BUSINESSES:
        sub = mw[mw["business"] == b].sort_values("week")
        cands = BUSINESS_CANDIDATES[b]
        check(sub[list(cands)].notna().all().all()
              and sub[[x for x in CANDIDATES if x not in cands]].isna().all().all(),
              f"D9 {b}: wrong candidates filled")
        for cnd in cands:
            r = float(np.corrcoef(sub[cnd].to_numpy(float), sub["revenue_cny"].to_numpy(float))[0, 1])
            if cnd == NSM[b]:
                check(r >= 0.85, f"D9 {b}: NSM {cnd} r = {r:.3f} < 0.85")
            else:
                check(abs(r) <= 0.35, f"D9 {b}: vanity {cnd} |r| = {abs(r):.3f} > 0.35")
    check(mw.loc[mw["business"] != "marketing_saas", "renewals"].isna().all()
          and mw.loc[mw["business"] == "marketing_saas", "renewals"].notna().all(), "D9 renewals not SaaS-only")

    # ---- D10 -----------------------------------------------------------------------
    tr10 = f["training_assessments"]
    q = tr10.groupby("format")["quiz_score"].mean()
    diff = q.get("on_site", 0) - q.get("video", 0)
    check(6.0 <= diff <= 10.0, f"D10 on_site - video quiz score {diff:.2f}, expected about 8")
    un = 1 - tr10["assessed"].mean()
    check(0.02 <= un <= 0.08, f"D10 share not assessed {un:.3f}, expected ~0.05")
    check((tr10["quiz_score"].isna() == ~tr10["assessed"]).all() and (tr10["hands_on_pass"].isna() == ~tr10["assessed"]).all(),
          "D10 scores present exactly when assessed")
    done = tr10[tr10["assessed"]]
    gp = done.groupby(done["hands_on_pass"].astype(bool))[["wins_next_90d", "opps_next_90d"]].sum()
    wr_pass = _rate(gp.loc[True, "wins_next_90d"], gp.loc[True, "opps_next_90d"])
    wr_fail = _rate(gp.loc[False, "wins_next_90d"], gp.loc[False, "opps_next_90d"])
    check(wr_pass > wr_fail + 0.03, f"D10 90-day win rate pass {wr_pass:.3f} vs fail {wr_fail:.3f}")
    check(tr10["rep_id"].isin(deals["rep_id"]).all() and set(deals["rep_id"]) <= set(REP_IDS), "D10/D1 rep ids differ")
    recount = []
    for row in tr10.itertuples(index=False):
        mine = closed[closed["rep_id"] == row.rep_id]
        window = (mine["close_date"] > row.session_date) & (mine["close_date"] <= row.session_date + pd.Timedelta(days=90))
        recount.append((int(window.sum()), int(mine.loc[window, "won"].astype(bool).sum())))
    check(recount == list(zip(tr10["opps_next_90d"], tr10["wins_next_90d"])),
          "D10 opps_next_90d / wins_next_90d do not match the rep's D1 deals")

    # ---- D11 -----------------------------------------------------------------------
    v = f["client_visits"]
    check(v["deal_id"].isin(deals["deal_id"]).all(), "D11 deal_id not all in D1")
    check((v[list(_CHECKLIST)].sum(axis=1) == v["checklist_score"]).all(), "D11 checklist_score != sum of items")
    a6 = v.loc[v["checklist_score"] == 6, "advanced"].mean()
    a3 = v.loc[v["checklist_score"] <= 3, "advanced"].mean()
    check(0.57 <= a6 <= 0.73 and 0.22 <= a3 <= 0.38, f"D11 advanced at score 6 {a6:.3f} (~0.65), at <=3 {a3:.3f} (~0.30)")
    skipped = (~v[list(_CHECKLIST)]).mean()
    check(skipped.idxmax() == "next_steps_and_minutes_sent", f"D11 most skipped item is {skipped.idxmax()}")
    order = {s: i for i, s in enumerate(OPEN_STAGES)}
    adv = [a == "won" or (a in order and order[a] > order[b0]) for a, b0 in zip(v["stage_after_30d"], v["stage_before"])]
    check((np.array(adv) == v["advanced"].to_numpy()).all(), "D11 advanced inconsistent with the stages")

    # ---- D12 -----------------------------------------------------------------------
    cs = f["case_library"]
    imp = cs["after_value"] - cs["before_value"]
    check(imp.max() >= 3 * imp.median(), f"D12 max improvement {imp.max():.1f} not >> median {imp.median():.1f}")
    check(0.1 <= 1 - cs["verified"].mean() <= 0.5, "D12 share of unverified cases not 10-50%")
    check(((cs["industry"] == "retail") & cs["verified"]).sum() >= 3, "D12 fewer than 3 verified retail cases")
    check(cs["account_id"].isin(deals["account_id"]).all(), "D12 account_id not all in D1")
    acc_ind = deals.drop_duplicates("account_id").set_index("account_id")["industry"]
    check((cs["account_id"].map(acc_ind) == cs["industry"]).all(), "D12 industry differs from D1")
    open_ind = set(deals.loc[deals["won"].isna(), "industry"])
    proven = set(cs.loc[cs["verified"] & cs["has_story"], "industry"])
    gaps = sorted(open_ind - proven)
    check(len(gaps) >= 1, "D12/D1: no industry with open pipeline but no verified story case")

    # ---- D13 -----------------------------------------------------------------------
    su = f["seed_users"]
    check(su["account_id"].isin(saas["account_id"]).all(), "D13 account_id not all in D3")
    roles = su["seed_role"].value_counts()
    check(roles.idxmin() == "brand_spokesperson" and roles.get("brand_spokesperson", 0) / len(su) < 0.08,
          "D13 spokesperson role not under-filled")
    act = su["active_last_90d"]
    for name_, mask in (("gifts", su["gifts_received"] > 0), ("early_access", su["early_access"]),
                        ("review follow-up", su["review_followed_up"])):
        check(act[mask].mean() > act[~mask].mean() + 0.05, f"D13 {name_} does not go with more activity")

    # ---- D14 -----------------------------------------------------------------------
    wl = f["ops_worklog"]
    e1 = wl[wl["employee_id"] == "E01"]

    def misc_share(weeks):
        part = e1[e1["week"].isin(weeks)]
        return _rate(part.loc[part["ops_type"] == "misc_odd_job", "minutes"].sum(), part["minutes"].sum())

    s_early, s_late = misc_share(range(1, 5)), misc_share(range(9, 13))
    check(0.42 <= s_early <= 0.58 and 0.10 <= s_late <= 0.20,
          f"D14 E01 misc share weeks 1-4 {s_early:.3f} (~0.50), weeks 9-12 {s_late:.3f} (~0.15)")
    check(wl["minutes"].between(10, 240).all() and wl["week"].between(1, 12).all(), "D14 minutes/week out of range")

    # ---- D15 -----------------------------------------------------------------------
    cp = f["content_plan"]
    empty = cp["planned_topic"].isna()
    check(0.25 <= empty.mean() <= 0.35, f"D15 empty share {empty.mean():.3f}, expected ~0.30")
    by_p = empty.groupby(cp["persona"]).mean()
    check(by_p.idxmax() == "admin" and by_p["admin"] >= 2 * by_p.drop("admin").max()
          and cp.loc[empty, "persona"].eq("admin").mean() >= 0.5, f"D15 empty cells not concentrated in admin: {by_p.to_dict()}")
    return fails


# =====================================================================================
# The data dictionary (datasets/README.md)
# =====================================================================================

def _md(text: str) -> str:
    return str(text).replace("|", "\\|")


def data_dictionary_markdown(frames: dict[str, pd.DataFrame] | None = None) -> str:
    """The text of datasets/README.md: intro, how the files were made, and one section per dataset."""
    if frames is None:
        frames = generate()
    lines = [
        "# ToB Ops Academy datasets",
        "",
        "Synthetic data about one fictional ToB software company in 2023-2024, used by the lessons and "
        "assessments. All names and ids are fictional; money is in CNY (whole yuan); dates are written "
        "YYYY-MM-DD and date-times YYYY-MM-DD HH:MM:SS. An empty field means \"no value\" (see each column).",
        "",
        "Load a file with its schema checked and its types set:",
        "",
        "```python",
        "from tobops.content.datasets import load",
        "deals = load(\"deals\")          # or load(\"deals.csv\")",
        "```",
        "",
        "*This file is generated by `tobops/datasets.py`; do not edit it by hand.*",
        "",
        "## How these files were made",
        "",
        "- One generator, `tobops/datasets.py`, makes every file. Each dataset has its own fixed seed for "
        "`numpy.random.default_rng` (listed below); nothing depends on the clock, so the output is the same "
        "on every machine, byte for byte.",
        "- Regenerate with `tobops data build` (or `python -m tobops.content.datasets build`); "
        "`tobops data build --check` rebuilds into a temporary folder and reports any file that differs "
        "from the committed one.",
        "- The lessons rely on patterns built into the data. `verify_signals()` in the same module checks "
        "each of them, together with the links between files, and `tests/test_datasets.py` runs it, checks "
        "the schemas and checks that a rebuild gives identical files.",
        "- Links between files: D2, D5 (converted_deal_id), D11 -> D1 deal_id; D3, D7, D12, D13 account_id -> "
        "D1 account_id, and every account has one deal_model there; D13 account_id -> D3, and so is every D7 "
        "ticket of a panel account (D7 also has tickets from clients won during 2023-2024); D5 event_id -> D4; "
        "D10 rep_id -> D1 rep_id.",
        "",
        "| ID | File | Rows | Seed | Lessons |",
        "|---|---|---|---|---|",
    ]
    for name, ds in DATASETS.items():
        lines.append(f"| {ds.id} | [{ds.filename}](#{ds.id.lower()}-{ds.filename.replace('.', '')}) "
                     f"| {len(frames[name]):,} | {ds.seed} | {', '.join(ds.lessons)} |")
    for name, ds in DATASETS.items():
        lines += ["", f"## {ds.id} {ds.filename}", "", f"**{ds.title}.** {_md(ds.description)}", "",
                  f"Lessons: {', '.join(ds.lessons)}. Rows: {len(frames[name]):,}. Seed: {ds.seed}.", "",
                  "| column | type | unit | meaning |", "|---|---|---|---|"]
        for col in ds.columns:
            typ = col.dtype + (", may be empty" if col.nullable else "")
            meaning = col.meaning
            if col.categories:
                meaning += " Values: " + ", ".join(col.categories) + "."
            lines.append(f"| `{col.name}` | {typ} | {_md(col.unit)} | {_md(meaning)} |")
    return "\n".join(lines) + "\n"


# =====================================================================================
# Command line
# =====================================================================================

def main(argv=None) -> int:
    """``python -m tobops.content.datasets build [--out DIR] [--check]``."""
    p = argparse.ArgumentParser(prog="python -m tobops.content.datasets", description="Build the course datasets.")
    p.add_argument("action", choices=["build"])
    p.add_argument("--out", help="write here instead of the data folder")
    p.add_argument("--check", action="store_true",
                   help="rebuild into a temporary folder and compare the bytes with the existing files")
    args = p.parse_args(argv)
    return build_command(args.out, args.check)


def build_command(out: str | None = None, check: bool = False) -> int:
    """``tobops data build``: write the datasets (or, with ``check``, compare a fresh build
    with the files there); prints what it did, returns the exit status."""
    if check:
        target = Path(out) if out else data_dir()
        with tempfile.TemporaryDirectory() as tmp:
            paths = build(tmp)
            differ = []
            for path in paths.values():
                committed = target / path.name
                if not committed.is_file():
                    differ.append(f"{committed} is missing")
                elif committed.read_bytes() != path.read_bytes():
                    differ.append(f"{committed} differs from a fresh build")
        for line in differ:
            print(line)
        if differ:
            print(f"{len(differ)} of {len(paths)} files differ; run `tobops data build` to regenerate.")
            return 1
        print(f"all {len(paths)} files in {target} are identical to a fresh build.")
        return 0
    paths = build(out)
    frames = {name: load(name, paths[name].parent) for name in DATASETS}
    for name, path in paths.items():
        rows = f" ({len(frames[name]):,} rows)" if name in frames else ""
        print(f"wrote {path}{rows}")
    fails = verify_signals(frames)
    for line in fails:
        print(f"signal check failed: {line}", file=sys.stderr)
    return 1 if fails else 0


if __name__ == "__main__":
    raise SystemExit(main())
