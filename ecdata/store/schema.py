"""The schema: the fact tables, their grain and metrics, and the migrations that build them.

Facts live in tables whose grain is their key: store metrics per date x store x channel,
customer-service metrics per date x store x member, monthly costs and targets per
month x store, the team roster and monthly ratings. Each fact table has a `replaced_<name>`
twin holding the rows a batch replaced, so that undo restores them exactly.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FactTable:
    """A table of facts at one grain: `keys` identify a row, `metrics` are its numbers."""

    name: str
    keys: tuple[str, ...]
    metrics: tuple[str, ...]
    flags: tuple[str, ...] = ()  # non-additive columns that the latest upload sets (not_final)
    types: tuple[tuple[str, str], ...] = ()  # metric columns that are not DOUBLE

    @property
    def columns(self) -> tuple[str, ...]:
        return self.keys + self.metrics + self.flags + ("batch_id",)


STORE_DAILY = FactTable(
    "store_daily",
    ("date", "store", "channel"),
    (
        "visitors",
        "page_views",
        "buyers",
        "sales",
        "inquiries",
        "closed_inquiries",
        "spend",
        "refunds",
        "impressions",
        "clicks",
        "ad_sales",
    ),
    ("not_final",),
)
AGENT_DAILY = FactTable(
    "agent_daily",
    ("date", "store", "member"),
    ("received", "inquiries", "closed_inquiries", "sales", "response_seconds"),
    ("not_final",),
)
STORE_MONTHLY = FactTable(
    "store_monthly",
    ("month", "store"),
    ("labor_cost", "management_cost", "sales_target", "target_inquiry_cost"),
)
# The team (issue: team pages): people, keyed by a person id (工号, or store/name without one),
# and their monthly ratings and targets.
ROSTER = FactTable(
    "roster",
    ("person_id",),
    (
        "name",
        "role_title",
        "role",
        "department",
        "manager",
        "store",
        "hired",
        "left_on",
        "base_pay",
        "level_coef",
        "float_coef",
        "other_pay",
        "collaborator",
    ),
    types=(
        ("name", "VARCHAR"),
        ("role_title", "VARCHAR"),
        ("role", "VARCHAR"),
        ("department", "VARCHAR"),
        ("manager", "VARCHAR"),
        ("store", "VARCHAR"),
        ("hired", "DATE"),
        ("left_on", "DATE"),
        ("collaborator", "BOOLEAN"),
    ),
)
RATINGS = FactTable(
    "ratings",
    ("month", "person_id"),
    (
        "task_completion",
        "work_quality",
        "supervisor_rating",
        "peer_rating",
        "qualified_inquiries",
        "inquiries",
        "inquiry_target",
        "sales",
        "sales_target",
        "profit",
        "profit_target",
        "other_incentive",
        "perf_coef",
    ),
)
# Product-level reports (生意参谋 商品, 京东商智 商品, 抖店 商品, Amazon by child item, Shopify
# by product): one row per store, product and the days it covers, `date` to `date_to`. A daily
# report's row covers one day (date_to = date); a period report (a week's 商品效果, Amazon's
# business report) is one fact for its range, never spread into invented days. Never mixed
# into store facts: product visitors are not store visitors (one person views several).
PRODUCT_FACTS = FactTable(
    "product_facts",
    ("date", "date_to", "store", "product_id"),
    ("product_name", "visitors", "page_views", "buyers", "units", "sales"),
    ("not_final",),
    types=(("product_name", "VARCHAR"),),
)
# Store reports that cover a range without a row per day (生意参谋 店铺整体 for 近7天, a
# monthly 京东商智 export): one fact for the range, `date` to `date_to`, never spread into
# invented days. KPIs count it in a period only when its whole range lies inside the period,
# and only where no daily row of its store and channel covers any of its days.
STORE_PERIODS = FactTable(
    "store_periods",
    ("date", "date_to", "store", "channel"),
    STORE_DAILY.metrics,
    STORE_DAILY.flags,
)
# Exchange rates per month (rates.py): 1 `currency` is worth `rate` `into_currency`. Uploaded
# or typed, stored as batches like any fact, so a wrong rate is undone like a wrong file.
EXCHANGE_RATES = FactTable(
    "exchange_rates",
    ("month", "currency", "into_currency"),
    ("rate",),
)
# Work plan tasks (team/plans.py): one row per task, keyed by the task tool's id (or one made
# from person, task and deadline), so a re-imported export updates its tasks.
PLAN_TASKS = FactTable(
    "plan_tasks",
    ("task_id",),
    (
        "person_id",
        "month",
        "task",
        "goal",
        "start",
        "deadline",
        "status",
        "done_on",
        "quality",
        "metric",
        "source",
    ),
    types=(
        ("person_id", "VARCHAR"),
        ("month", "DATE"),
        ("task", "VARCHAR"),
        ("goal", "VARCHAR"),
        ("start", "DATE"),
        ("deadline", "DATE"),
        ("status", "VARCHAR"),
        ("done_on", "DATE"),
        ("metric", "VARCHAR"),
        ("source", "VARCHAR"),
    ),
)
# The inquiry ledger (ecdata/inquiries.py): one row per inquiry of a store, keyed by the
# platform's or CRM's id (or one made from its time and sender), so a re-uploaded list
# updates statuses instead of counting an inquiry twice. `received` and `first_reply` are
# wall-clock times in the team's time zone. Customer name, e-mail and phone are NULL unless
# the owner keeps them (setting inquiry.keep_contacts).
INQUIRIES = FactTable(
    "inquiries",
    ("store", "inquiry_id"),
    (
        "received",
        "channel",
        "country",
        "product",
        "agent",
        "status",
        "first_reply",
        "reply_known",
        "quoted",
        "closed",
        "amount",
        "company",
        "quantity",
        "customer",
        "email",
        "phone",
        "source",
    ),
    types=(
        ("received", "TIMESTAMP"),
        ("channel", "VARCHAR"),
        ("country", "VARCHAR"),
        ("product", "VARCHAR"),
        ("agent", "VARCHAR"),
        ("status", "VARCHAR"),
        ("first_reply", "TIMESTAMP"),
        ("reply_known", "BOOLEAN"),
        ("quoted", "BOOLEAN"),
        ("closed", "BOOLEAN"),
        ("company", "VARCHAR"),
        ("customer", "VARCHAR"),
        ("email", "VARCHAR"),
        ("phone", "VARCHAR"),
        ("source", "VARCHAR"),
    ),
)
# A manager's judgement of single inquiries, kept apart from the ledger so that a re-uploaded
# list does not erase it; it wins over the team's standard. `mark`: 'qualified',
# 'not_qualified' or 'standard' (judged by the standard again: a value, since a merge keeps
# the stored value where the new one is NULL).
INQUIRY_MARKS = FactTable(
    "inquiry_marks",
    ("store", "inquiry_id"),
    ("mark",),
    types=(("mark", "VARCHAR"),),
)
FACT_TABLES = {
    t.name: t
    for t in (
        STORE_DAILY,
        AGENT_DAILY,
        STORE_MONTHLY,
        ROSTER,
        RATINGS,
        PRODUCT_FACTS,
        STORE_PERIODS,
        EXCHANGE_RATES,
        PLAN_TASKS,
        INQUIRIES,
        INQUIRY_MARKS,
    )
}
# Store-day sums of store_daily per batch (its channels added up): what a KPI query without
# a channel split reads, ten times fewer rows at ten channels. Kept equal to store_daily's
# sums by every write (batches.py); tests/test_rollup.py compares the two.
ROLLUP = "store_daily_rollup"
_ROLLUP_COLUMNS = ("date", "store", "batch_id") + STORE_DAILY.metrics + STORE_DAILY.flags


def rollup_insert_sql(source: str = "store_daily f") -> str:
    """INSERT the rollup's rows for the store_daily rows of `source` (a FROM clause over
    store_daily aliased f, e.g. with a SEMI JOIN narrowing it to some store-days)."""
    sums = [f"sum(f.{m})" for m in STORE_DAILY.metrics]
    sums += [f"bool_or(f.{flag})" for flag in STORE_DAILY.flags]
    return (
        f"INSERT INTO {ROLLUP} ({', '.join(_ROLLUP_COLUMNS)}) "
        f"SELECT f.date, f.store, f.batch_id, {', '.join(sums)} FROM {source} "
        "GROUP BY f.date, f.store, f.batch_id ORDER BY f.date, f.store"
    )


# product_facts with its one-day rows summed per store, product and week (Monday to Sunday:
# date, date_to); a period report's rows are copied as they are. A product query reads a
# range's whole weeks here, seven times fewer rows than the days (a year of 100M
# product-days: 33M rows -> 5M), and only the days at its ends from product_facts. The
# same rule picks rows in both: the days a row covers lie inside the range. `name_date`
# is the last day with a row, so the latest name across weeks is found. Kept equal to
# product_facts by every write (batches.py); tests/test_rollup.py compares them.
PRODUCT_WEEKS = "product_weekly"
_WEEK_SUMS = ("visitors", "page_views", "buyers", "units", "sales")


def product_weeks_insert_sql(source: str = "product_facts f") -> str:
    """INSERT the rollup's rows for the product_facts rows of `source` (a FROM clause over
    product_facts aliased f, e.g. with a SEMI JOIN narrowing it to some store-weeks)."""
    week = "CAST(date_trunc('week', f.date) AS DATE)"
    sums = ", ".join(f"sum(f.{m})" for m in _WEEK_SUMS)
    copied = ", ".join(f"f.{m}" for m in _WEEK_SUMS)
    return (
        f"INSERT INTO {PRODUCT_WEEKS} (date, date_to, store, product_id, product_name, "
        f"name_date, {', '.join(_WEEK_SUMS)}) "
        f"SELECT {week}, {week} + 6, f.store, f.product_id, arg_max(f.product_name, f.date), "
        f"max(f.date), {sums} FROM {source} WHERE f.date = f.date_to GROUP BY ALL "
        "UNION ALL "
        f"SELECT f.date, f.date_to, f.store, f.product_id, f.product_name, f.date, {copied} "
        f"FROM {source} WHERE f.date <> f.date_to"
    )


# Each entry migrates the schema from version i to i+1, as literal text: a migration is what
# ran on the databases that exist, never rebuilt from today's table definitions (a column
# added to a definition would change what "version 1" means). Never edit a released entry,
# except to create, IF NOT EXISTS, what an earlier release of it lacked.
MIGRATIONS: list[list[str]] = [
    # version 1
    [
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS batches ( batch_id INTEGER PRIMARY KEY, file_name VARCHAR NOT NULL, content_hash VARCHAR NOT NULL, kind VARCHAR NOT NULL, platform VARCHAR, target_table VARCHAR NOT NULL, store_param VARCHAR, encoding VARCHAR, header_row INTEGER, rows_read INTEGER, rows_written INTEGER, rows_new INTEGER, rows_replaced INTEGER, rows_rejected INTEGER, date_min DATE, date_max DATE, created_at TIMESTAMP NOT NULL DEFAULT current_timestamp, undone_at TIMESTAMP )",
        "CREATE TABLE IF NOT EXISTS header_mappings ( shape VARCHAR PRIMARY KEY, mapping VARCHAR NOT NULL, saved_at TIMESTAMP NOT NULL DEFAULT current_timestamp )",
        "CREATE TABLE IF NOT EXISTS store_daily (date DATE NOT NULL, store VARCHAR NOT NULL, channel VARCHAR NOT NULL, visitors DOUBLE, page_views DOUBLE, buyers DOUBLE, sales DOUBLE, inquiries DOUBLE, closed_inquiries DOUBLE, spend DOUBLE, refunds DOUBLE, impressions DOUBLE, clicks DOUBLE, ad_sales DOUBLE, not_final BOOLEAN, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS agent_daily (date DATE NOT NULL, store VARCHAR NOT NULL, member VARCHAR NOT NULL, received DOUBLE, inquiries DOUBLE, closed_inquiries DOUBLE, sales DOUBLE, response_seconds DOUBLE, not_final BOOLEAN, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS store_monthly (month DATE NOT NULL, store VARCHAR NOT NULL, labor_cost DOUBLE, management_cost DOUBLE, sales_target DOUBLE, target_inquiry_cost DOUBLE, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS replaced_store_daily (date DATE NOT NULL, store VARCHAR NOT NULL, channel VARCHAR NOT NULL, visitors DOUBLE, page_views DOUBLE, buyers DOUBLE, sales DOUBLE, inquiries DOUBLE, closed_inquiries DOUBLE, spend DOUBLE, refunds DOUBLE, impressions DOUBLE, clicks DOUBLE, ad_sales DOUBLE, not_final BOOLEAN, batch_id INTEGER, replaced_by INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS replaced_agent_daily (date DATE NOT NULL, store VARCHAR NOT NULL, member VARCHAR NOT NULL, received DOUBLE, inquiries DOUBLE, closed_inquiries DOUBLE, sales DOUBLE, response_seconds DOUBLE, not_final BOOLEAN, batch_id INTEGER, replaced_by INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS replaced_store_monthly (month DATE NOT NULL, store VARCHAR NOT NULL, labor_cost DOUBLE, management_cost DOUBLE, sales_target DOUBLE, target_inquiry_cost DOUBLE, batch_id INTEGER, replaced_by INTEGER NOT NULL)",
    ],
    # version 2
    [
        "CREATE TABLE IF NOT EXISTS roster (person_id VARCHAR NOT NULL, name VARCHAR, role_title VARCHAR, role VARCHAR, department VARCHAR, manager VARCHAR, store VARCHAR, hired DATE, left_on DATE, base_pay DOUBLE, level_coef DOUBLE, float_coef DOUBLE, other_pay DOUBLE, collaborator BOOLEAN, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS ratings (month DATE NOT NULL, person_id VARCHAR NOT NULL, task_completion DOUBLE, work_quality DOUBLE, supervisor_rating DOUBLE, peer_rating DOUBLE, qualified_inquiries DOUBLE, inquiries DOUBLE, inquiry_target DOUBLE, sales DOUBLE, sales_target DOUBLE, profit DOUBLE, profit_target DOUBLE, other_incentive DOUBLE, perf_coef DOUBLE, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS replaced_roster (person_id VARCHAR NOT NULL, name VARCHAR, role_title VARCHAR, role VARCHAR, department VARCHAR, manager VARCHAR, store VARCHAR, hired DATE, left_on DATE, base_pay DOUBLE, level_coef DOUBLE, float_coef DOUBLE, other_pay DOUBLE, collaborator BOOLEAN, batch_id INTEGER, replaced_by INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS replaced_ratings (month DATE NOT NULL, person_id VARCHAR NOT NULL, task_completion DOUBLE, work_quality DOUBLE, supervisor_rating DOUBLE, peer_rating DOUBLE, qualified_inquiries DOUBLE, inquiries DOUBLE, inquiry_target DOUBLE, sales DOUBLE, sales_target DOUBLE, profit DOUBLE, profit_target DOUBLE, other_incentive DOUBLE, perf_coef DOUBLE, batch_id INTEGER, replaced_by INTEGER NOT NULL)",
    ],
    # version 3
    [
        "CREATE TABLE IF NOT EXISTS product_daily (date DATE NOT NULL, store VARCHAR NOT NULL, product_id VARCHAR NOT NULL, product_name VARCHAR, visitors DOUBLE, page_views DOUBLE, buyers DOUBLE, units DOUBLE, sales DOUBLE, not_final BOOLEAN, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS replaced_product_daily (date DATE NOT NULL, store VARCHAR NOT NULL, product_id VARCHAR NOT NULL, product_name VARCHAR, visitors DOUBLE, page_views DOUBLE, buyers DOUBLE, units DOUBLE, sales DOUBLE, not_final BOOLEAN, batch_id INTEGER, replaced_by INTEGER NOT NULL)",
    ],
    # version 4
    [
        "CREATE TABLE IF NOT EXISTS product_facts (date DATE NOT NULL, date_to DATE NOT NULL, store VARCHAR NOT NULL, product_id VARCHAR NOT NULL, product_name VARCHAR, visitors DOUBLE, page_views DOUBLE, buyers DOUBLE, units DOUBLE, sales DOUBLE, not_final BOOLEAN, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS replaced_product_facts (date DATE NOT NULL, date_to DATE NOT NULL, store VARCHAR NOT NULL, product_id VARCHAR NOT NULL, product_name VARCHAR, visitors DOUBLE, page_views DOUBLE, buyers DOUBLE, units DOUBLE, sales DOUBLE, not_final BOOLEAN, batch_id INTEGER, replaced_by INTEGER NOT NULL)",
        "INSERT INTO product_facts (date, date_to, store, product_id, product_name, visitors, page_views, buyers, units, sales, not_final, batch_id) SELECT date, date, store, product_id, product_name, visitors, page_views, buyers, units, sales, not_final, batch_id FROM product_daily",
        "INSERT INTO replaced_product_facts (date, date_to, store, product_id, product_name, visitors, page_views, buyers, units, sales, not_final, batch_id, replaced_by) SELECT date, date, store, product_id, product_name, visitors, page_views, buyers, units, sales, not_final, batch_id, replaced_by FROM replaced_product_daily",
        "UPDATE batches SET target_table = 'product_facts' WHERE target_table = 'product_daily'",
        "DROP TABLE product_daily",
        "DROP TABLE replaced_product_daily",
        "ALTER TABLE header_mappings ADD COLUMN header_row INTEGER",
        "ALTER TABLE header_mappings ADD COLUMN row_shape VARCHAR",
        "CREATE TABLE IF NOT EXISTS store_settings ( store VARCHAR PRIMARY KEY, currency VARCHAR )",
        "CREATE TABLE IF NOT EXISTS timeline_notes ( note_id INTEGER PRIMARY KEY, day DATE NOT NULL, store VARCHAR, text VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT current_timestamp, removed_at TIMESTAMP )",
    ],
    # version 5
    [
        # A database made by the first release of version 4 lacks these two (the entry
        # was extended after it shipped): created here when missing.
        "CREATE TABLE IF NOT EXISTS store_settings ( store VARCHAR PRIMARY KEY, currency VARCHAR )",
        "CREATE TABLE IF NOT EXISTS timeline_notes ( note_id INTEGER PRIMARY KEY, day DATE NOT NULL, store VARCHAR, text VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT current_timestamp, removed_at TIMESTAMP )",
        "CREATE TABLE IF NOT EXISTS store_periods (date DATE NOT NULL, date_to DATE NOT NULL, store VARCHAR NOT NULL, channel VARCHAR NOT NULL, visitors DOUBLE, page_views DOUBLE, buyers DOUBLE, sales DOUBLE, inquiries DOUBLE, closed_inquiries DOUBLE, spend DOUBLE, refunds DOUBLE, impressions DOUBLE, clicks DOUBLE, ad_sales DOUBLE, not_final BOOLEAN, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS replaced_store_periods (date DATE NOT NULL, date_to DATE NOT NULL, store VARCHAR NOT NULL, channel VARCHAR NOT NULL, visitors DOUBLE, page_views DOUBLE, buyers DOUBLE, sales DOUBLE, inquiries DOUBLE, closed_inquiries DOUBLE, spend DOUBLE, refunds DOUBLE, impressions DOUBLE, clicks DOUBLE, ad_sales DOUBLE, not_final BOOLEAN, batch_id INTEGER, replaced_by INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS app_settings ( setting_id INTEGER PRIMARY KEY, key VARCHAR NOT NULL, value VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT current_timestamp, undone_at TIMESTAMP )",
        "CREATE TABLE IF NOT EXISTS action_items ( item_id INTEGER PRIMARY KEY, week DATE NOT NULL, what VARCHAR NOT NULL, owner VARCHAR, due_week DATE, metric VARCHAR, stores VARCHAR[], value_then DOUBLE, created_at TIMESTAMP NOT NULL DEFAULT current_timestamp, done_week DATE, value_done DOUBLE, done_at TIMESTAMP )",
        "CREATE TABLE IF NOT EXISTS users ( name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, password_hash VARCHAR NOT NULL, stores VARCHAR[], failures INTEGER NOT NULL DEFAULT 0, locked_until TIMESTAMP, last_sign_in TIMESTAMP, created_at TIMESTAMP NOT NULL DEFAULT current_timestamp )",
        "CREATE TABLE IF NOT EXISTS sessions ( token_hash VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, expires_at TIMESTAMP NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT current_timestamp )",
        "ALTER TABLE batches ADD COLUMN created_by VARCHAR",
        "ALTER TABLE batches ADD COLUMN undone_by VARCHAR",
        "ALTER TABLE app_settings ADD COLUMN created_by VARCHAR",
        "ALTER TABLE action_items ADD COLUMN created_by VARCHAR",
        "ALTER TABLE store_settings ADD COLUMN set_by VARCHAR",
    ],
    # version 6
    [
        "CREATE TABLE IF NOT EXISTS store_daily_rollup (date DATE NOT NULL, store VARCHAR NOT NULL, batch_id INTEGER, visitors DOUBLE, page_views DOUBLE, buyers DOUBLE, sales DOUBLE, inquiries DOUBLE, closed_inquiries DOUBLE, spend DOUBLE, refunds DOUBLE, impressions DOUBLE, clicks DOUBLE, ad_sales DOUBLE, not_final BOOLEAN)",
        "INSERT INTO store_daily_rollup (date, store, batch_id, visitors, page_views, buyers, sales, inquiries, closed_inquiries, spend, refunds, impressions, clicks, ad_sales, not_final) SELECT f.date, f.store, f.batch_id, sum(f.visitors), sum(f.page_views), sum(f.buyers), sum(f.sales), sum(f.inquiries), sum(f.closed_inquiries), sum(f.spend), sum(f.refunds), sum(f.impressions), sum(f.clicks), sum(f.ad_sales), bool_or(f.not_final) FROM store_daily f GROUP BY f.date, f.store, f.batch_id ORDER BY f.date, f.store",
    ],
    # version 7
    [
        "CREATE TABLE IF NOT EXISTS sign_in_failures ( name VARCHAR NOT NULL, client VARCHAR NOT NULL, failures INTEGER NOT NULL, locked_until TIMESTAMP )",
    ],
    # version 8
    [
        "CREATE TABLE IF NOT EXISTS exchange_rates (month DATE NOT NULL, currency VARCHAR NOT NULL, into_currency VARCHAR NOT NULL, rate DOUBLE, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS replaced_exchange_rates (month DATE NOT NULL, currency VARCHAR NOT NULL, into_currency VARCHAR NOT NULL, rate DOUBLE, batch_id INTEGER, replaced_by INTEGER NOT NULL)",
    ],
    # version 9: what the first releases of version 5 lacked (the entry grew after it
    # shipped: settings, action items, accounts, who did it); every statement is a no-op
    # where it exists.
    [
        "CREATE TABLE IF NOT EXISTS app_settings ( setting_id INTEGER PRIMARY KEY, key VARCHAR NOT NULL, value VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT current_timestamp, undone_at TIMESTAMP )",
        "CREATE TABLE IF NOT EXISTS action_items ( item_id INTEGER PRIMARY KEY, week DATE NOT NULL, what VARCHAR NOT NULL, owner VARCHAR, due_week DATE, metric VARCHAR, stores VARCHAR[], value_then DOUBLE, created_at TIMESTAMP NOT NULL DEFAULT current_timestamp, done_week DATE, value_done DOUBLE, done_at TIMESTAMP )",
        "CREATE TABLE IF NOT EXISTS users ( name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, password_hash VARCHAR NOT NULL, stores VARCHAR[], failures INTEGER NOT NULL DEFAULT 0, locked_until TIMESTAMP, last_sign_in TIMESTAMP, created_at TIMESTAMP NOT NULL DEFAULT current_timestamp )",
        "CREATE TABLE IF NOT EXISTS sessions ( token_hash VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, expires_at TIMESTAMP NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT current_timestamp )",
        "ALTER TABLE batches ADD COLUMN IF NOT EXISTS created_by VARCHAR",
        "ALTER TABLE batches ADD COLUMN IF NOT EXISTS undone_by VARCHAR",
        "ALTER TABLE app_settings ADD COLUMN IF NOT EXISTS created_by VARCHAR",
        "ALTER TABLE action_items ADD COLUMN IF NOT EXISTS created_by VARCHAR",
        "ALTER TABLE store_settings ADD COLUMN IF NOT EXISTS set_by VARCHAR",
    ],
    # version 10: the rows an undo removed, kept so the batch can be re-applied
    [
        "CREATE TABLE IF NOT EXISTS undone_store_daily (date DATE NOT NULL, store VARCHAR NOT NULL, channel VARCHAR NOT NULL, visitors DOUBLE, page_views DOUBLE, buyers DOUBLE, sales DOUBLE, inquiries DOUBLE, closed_inquiries DOUBLE, spend DOUBLE, refunds DOUBLE, impressions DOUBLE, clicks DOUBLE, ad_sales DOUBLE, not_final BOOLEAN, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS undone_agent_daily (date DATE NOT NULL, store VARCHAR NOT NULL, member VARCHAR NOT NULL, received DOUBLE, inquiries DOUBLE, closed_inquiries DOUBLE, sales DOUBLE, response_seconds DOUBLE, not_final BOOLEAN, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS undone_store_monthly (month DATE NOT NULL, store VARCHAR NOT NULL, labor_cost DOUBLE, management_cost DOUBLE, sales_target DOUBLE, target_inquiry_cost DOUBLE, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS undone_roster (person_id VARCHAR NOT NULL, name VARCHAR, role_title VARCHAR, role VARCHAR, department VARCHAR, manager VARCHAR, store VARCHAR, hired DATE, left_on DATE, base_pay DOUBLE, level_coef DOUBLE, float_coef DOUBLE, other_pay DOUBLE, collaborator BOOLEAN, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS undone_ratings (month DATE NOT NULL, person_id VARCHAR NOT NULL, task_completion DOUBLE, work_quality DOUBLE, supervisor_rating DOUBLE, peer_rating DOUBLE, qualified_inquiries DOUBLE, inquiries DOUBLE, inquiry_target DOUBLE, sales DOUBLE, sales_target DOUBLE, profit DOUBLE, profit_target DOUBLE, other_incentive DOUBLE, perf_coef DOUBLE, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS undone_product_facts (date DATE NOT NULL, date_to DATE NOT NULL, store VARCHAR NOT NULL, product_id VARCHAR NOT NULL, product_name VARCHAR, visitors DOUBLE, page_views DOUBLE, buyers DOUBLE, units DOUBLE, sales DOUBLE, not_final BOOLEAN, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS undone_store_periods (date DATE NOT NULL, date_to DATE NOT NULL, store VARCHAR NOT NULL, channel VARCHAR NOT NULL, visitors DOUBLE, page_views DOUBLE, buyers DOUBLE, sales DOUBLE, inquiries DOUBLE, closed_inquiries DOUBLE, spend DOUBLE, refunds DOUBLE, impressions DOUBLE, clicks DOUBLE, ad_sales DOUBLE, not_final BOOLEAN, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS undone_exchange_rates (month DATE NOT NULL, currency VARCHAR NOT NULL, into_currency VARCHAR NOT NULL, rate DOUBLE, batch_id INTEGER)",
    ],
    # version 11: report profiles a team saved (ecdata/ingest/profiles.py), as TOML
    [
        "CREATE TABLE IF NOT EXISTS report_profiles ( name VARCHAR PRIMARY KEY, toml VARCHAR NOT NULL, saved_at TIMESTAMP NOT NULL DEFAULT current_timestamp, saved_by VARCHAR )",
    ],
    # version 12: work plan tasks (team/plans.py), with their replaced and undone twins
    [
        "CREATE TABLE IF NOT EXISTS plan_tasks (task_id VARCHAR NOT NULL, person_id VARCHAR, month DATE, task VARCHAR, goal VARCHAR, start DATE, deadline DATE, status VARCHAR, done_on DATE, quality DOUBLE, metric VARCHAR, source VARCHAR, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS replaced_plan_tasks (task_id VARCHAR NOT NULL, person_id VARCHAR, month DATE, task VARCHAR, goal VARCHAR, start DATE, deadline DATE, status VARCHAR, done_on DATE, quality DOUBLE, metric VARCHAR, source VARCHAR, batch_id INTEGER, replaced_by INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS undone_plan_tasks (task_id VARCHAR NOT NULL, person_id VARCHAR, month DATE, task VARCHAR, goal VARCHAR, start DATE, deadline DATE, status VARCHAR, done_on DATE, quality DOUBLE, metric VARCHAR, source VARCHAR, batch_id INTEGER)",
    ],
    # version 13: the inquiry ledger and managers' marks (ecdata/inquiries.py), with twins
    [
        "CREATE TABLE IF NOT EXISTS inquiries (store VARCHAR NOT NULL, inquiry_id VARCHAR NOT NULL, received TIMESTAMP, channel VARCHAR, country VARCHAR, product VARCHAR, agent VARCHAR, status VARCHAR, first_reply TIMESTAMP, reply_known BOOLEAN, quoted BOOLEAN, closed BOOLEAN, amount DOUBLE, company VARCHAR, quantity DOUBLE, customer VARCHAR, email VARCHAR, phone VARCHAR, source VARCHAR, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS replaced_inquiries (store VARCHAR NOT NULL, inquiry_id VARCHAR NOT NULL, received TIMESTAMP, channel VARCHAR, country VARCHAR, product VARCHAR, agent VARCHAR, status VARCHAR, first_reply TIMESTAMP, reply_known BOOLEAN, quoted BOOLEAN, closed BOOLEAN, amount DOUBLE, company VARCHAR, quantity DOUBLE, customer VARCHAR, email VARCHAR, phone VARCHAR, source VARCHAR, batch_id INTEGER, replaced_by INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS undone_inquiries (store VARCHAR NOT NULL, inquiry_id VARCHAR NOT NULL, received TIMESTAMP, channel VARCHAR, country VARCHAR, product VARCHAR, agent VARCHAR, status VARCHAR, first_reply TIMESTAMP, reply_known BOOLEAN, quoted BOOLEAN, closed BOOLEAN, amount DOUBLE, company VARCHAR, quantity DOUBLE, customer VARCHAR, email VARCHAR, phone VARCHAR, source VARCHAR, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS inquiry_marks (store VARCHAR NOT NULL, inquiry_id VARCHAR NOT NULL, mark VARCHAR, batch_id INTEGER)",
        "CREATE TABLE IF NOT EXISTS replaced_inquiry_marks (store VARCHAR NOT NULL, inquiry_id VARCHAR NOT NULL, mark VARCHAR, batch_id INTEGER, replaced_by INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS undone_inquiry_marks (store VARCHAR NOT NULL, inquiry_id VARCHAR NOT NULL, mark VARCHAR, batch_id INTEGER)",
    ],
    # version 14: scheduled reports (ecdata/schedules.py): the schedules, their destinations
    # (secrets: left out of backups) and each send, claimed once across processes
    [
        "CREATE TABLE IF NOT EXISTS report_schedules ( schedule_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, cadence VARCHAR NOT NULL, weekday INTEGER, at_time VARCHAR NOT NULL, time_zone VARCHAR NOT NULL, stores VARCHAR[], lang VARCHAR NOT NULL, people VARCHAR NOT NULL, destination VARCHAR NOT NULL, alerts VARCHAR, created_by VARCHAR, created_at TIMESTAMP NOT NULL DEFAULT current_timestamp, removed_at TIMESTAMP )",
        "CREATE TABLE IF NOT EXISTS report_destinations ( schedule_id INTEGER PRIMARY KEY, url VARCHAR, secret VARCHAR )",
        "CREATE TABLE IF NOT EXISTS report_sends ( schedule_id INTEGER NOT NULL, slot TIMESTAMP NOT NULL, what VARCHAR NOT NULL, claimed_by VARCHAR, claimed_at TIMESTAMP NOT NULL DEFAULT current_timestamp, sent_at TIMESTAMP, attempts INTEGER, error VARCHAR )",
    ],
    # version 15: the product-week rollup (PRODUCT_WEEKS), filled from the rows there are
    [
        "CREATE TABLE IF NOT EXISTS product_weekly (date DATE NOT NULL, date_to DATE NOT NULL, store VARCHAR NOT NULL, product_id VARCHAR NOT NULL, product_name VARCHAR, name_date DATE, visitors DOUBLE, page_views DOUBLE, buyers DOUBLE, units DOUBLE, sales DOUBLE)",
        "INSERT INTO product_weekly (date, date_to, store, product_id, product_name, name_date, visitors, page_views, buyers, units, sales) SELECT CAST(date_trunc('week', f.date) AS DATE), CAST(date_trunc('week', f.date) AS DATE) + 6, f.store, f.product_id, arg_max(f.product_name, f.date), max(f.date), sum(f.visitors), sum(f.page_views), sum(f.buyers), sum(f.units), sum(f.sales) FROM product_facts f WHERE f.date = f.date_to GROUP BY ALL UNION ALL SELECT f.date, f.date_to, f.store, f.product_id, f.product_name, f.date, f.visitors, f.page_views, f.buyers, f.units, f.sales FROM product_facts f WHERE f.date <> f.date_to",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)
