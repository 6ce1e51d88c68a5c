"""Upload: drop the exports as downloaded, check what was recognised, then commit."""

from pathlib import Path

import pandas as pd
import streamlit as st

from ecdata.i18n import Message, Refusal
from ecdata.ingest.headers import canonical_fields
from ecdata.ingest.inquiries import FIELDS as INQUIRY_FIELDS
from ecdata.ingest.inquiries import inquiry_profile, is_inquiry_file, read_inquiry_file
from ecdata.ingest.profiles import ProfileError
from ecdata.ingest.reader import DEFAULT_MAX_MB, first_rows
from ecdata.ingest.upload import (
    ProfileChoices,
    commit,
    file_platform,
    preview,
    profile_from_mapping,
    read_for_store,
    remember_mapping,
    save_team_profiles,
    store_fits,
    store_marketplaces,
    store_platforms,
    team_profiles,
)
from ecdata.inquiries import save_inquiry_file, saved_message
from ecdata.metrics.catalogue import METRICS, is_money
from ecdata.metrics.currency import CODE_OF, reporting_currency, save_reporting_currency
from ecdata.metrics.ledger import inquiry_rules
from ecdata.metrics.review import store_currencies, store_list
from ecdata.names import has_control_characters, store_in_name
from ecdata.rates import is_rates_file, read_rates_file, save_rates, stored_rates
from ecdata.store.batches import (
    list_batches,
    reapply_batch,
    rename_store,
    undo_batch,
    undo_summary,
)
from ecdata.store.database import StoreNotGranted
from ecdata.store.settings import CURRENCIES, set_store_currency
from ecdata.team.files import is_team_file, read_team_file, roster_frame, save_team_file
from ecdata.team.plans import is_plan_file, read_plan_file, save_plan_file
from ui import auth, tables
from ui.sidebar import page_view
from ui.state import (
    fmt,
    get_store,
    labeller,
    lang,
    markdown_safe,
    metric_label,
    query,
    reader,
    say,
    tr,
    unit_of,
)
from ui.tables import history_rows

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"

page_view()  # inside the app's shell, also when a shared link is the first request
st.title(f"📤 {tr('page.upload')}")
if not auth.allowed("upload"):
    # A viewer gets no uploader, no store editing and no undo: the server never runs them.
    st.info(tr("acc.read_only", role=tr(f"role.{auth.user().role}")))
    st.stop()
auth.say_refusals()
if saved := st.session_state.pop("_profile_saved", None):
    st.success(tr("up.profile_saved", name=saved))
st.caption(tr("up.intro"))
store = get_store()


files = st.file_uploader(
    tr("up.files"), accept_multiple_files=True, key="uploads", max_upload_size=DEFAULT_MAX_MB
)
known_stores = list(query(store_list).store)


def pick_or_name(
    label: str,
    options: list[str],
    key: str,
    default: str | None = None,
    name_label: str | None = None,
) -> str | None:
    """A store picked from `options` (`default` chosen first), or, with the 'new store'
    option (or no store known yet), a name typed into a box."""
    new_label = tr("up.new_store")
    choice = new_label
    typed = (st.session_state.get(key) or "").strip()
    # A store typed here a moment ago is in the list once its first file landed.
    chosen = default if default in options else typed
    if options:
        # Options are the labels themselves: no format_func to go stale between runs.
        choice = st.selectbox(
            label,
            [*options, new_label],
            index=options.index(chosen) if chosen in options else None,
            placeholder=tr("up.store_placeholder"),
            key=f"{key}_pick_{lang()}",
        )
    if choice != new_label:
        return choice
    return st.text_input(name_label or tr("up.store"), key=key).strip() or None


# Picked from the stores ecdata knows, or a new one; each file may differ below.
store_name = pick_or_name(tr("up.store_pick"), known_stores, "up_store")
parsed_cache = st.session_state.setdefault("_parsed", {})
done = st.session_state.setdefault("_committed", {})


def file_store_picker(upload, store_name, known_stores, several: bool) -> str | None:
    """The store a file goes to: what its name says, else the form's choice, but only a
    store of the file's platform and currency; the picker lists those stores first, then
    the others, then a new store. Shown for several files, or when the form's choice does
    not fit this file."""
    key = ("platform", upload.file_id)
    if key not in parsed_cache:
        parsed_cache[key] = file_platform(upload.getvalue(), upload.name, team_profiles(store))
    platform = parsed_cache[key]
    currencies = query(store_currencies)
    markets = query(store_marketplaces)

    def fits(name: str | None) -> bool:
        return bool(name) and store_fits(name, platform, currencies, markets)

    named = store_in_name(upload.name, known_stores)
    # Its platform's stores (whose files so far came from it), read once per data version.
    platforms = query(store_platforms)
    same = [
        s
        for s in known_stores
        if platform is not None and platform.platform in platforms.get(s, ()) and fits(s)
    ]
    # The store its name says, else the form's choice, else the one store its platform's
    # files went to so far.
    only_one = same[0] if len(same) == 1 else None
    default = next((s for s in (named, store_name, only_one) if fits(s)), None)
    if not several and default == store_name:
        return store_name
    # Its platform's stores first, then the others in its currency, then the rest; a store
    # typed above that has no data yet is offered too.
    fitting = same + [s for s in known_stores if fits(s) and s not in same]
    if store_name and store_name not in known_stores and fits(store_name):
        fitting.insert(0, store_name)
    options = fitting + [s for s in known_stores if s not in fitting]
    label = tr("up.file_store")
    if platform is not None and platform.platform != "generic":
        label = tr("up.file_store_of", platform=platform.label(lang()), currency=platform.currency)
    choice = pick_or_name(
        label, options, f"store_{upload.file_id}", default, tr("up.new_store_name")
    )
    if choice and not fits(choice):
        st.warning(tr("up.store_misfit", store=choice, currency=currencies.get(choice, "¥")))
    return choice


def parsed_for(upload, store_name, override, header_row, period):
    """Read each upload once per (store name, mapping, header row, period), not on every
    rerun."""
    key = (upload.file_id, store_name, tuple(sorted((override or {}).items())), header_row, period)
    if key not in parsed_cache:
        with st.status(tr("up.reading", file=upload.name)) as status:
            parsed_cache[key] = read_for_store(
                store,
                upload.getvalue(),
                file_name=upload.name,
                store_name=store_name,
                mapping_override=override,
                header_row=header_row,
                period=period,
            )
            # The status says the reading ended, not "reading…" forever.
            status.update(
                label=tr("up.read_done", file=upload.name),
                state="complete" if parsed_cache[key].ok else "error",
            )
    return parsed_cache[key]


def _commit(upload, save) -> None:
    """The commit button of a small table file: `save()` stores it and returns the message
    to show once stored; a refusal of the account's scope is said, nothing stored."""
    if not st.button(
        say("up.commit", file=upload.name), type="primary", key=f"commit_{upload.file_id}"
    ):
        return
    try:
        with auth.acting():
            said = save()
    except StoreNotGranted as refused:
        st.error(say(refused.message))
        return
    done[upload.file_id] = say(said)
    st.rerun()


def team_upload(upload) -> None:
    """A roster or ratings sheet dropped here: checked and stored as the team pages would."""
    key = ("team", upload.file_id)
    if key not in parsed_cache:
        parsed_cache[key] = read_team_file(upload.getvalue(), upload.name)
    team = parsed_cache[key]
    if not team.ok:
        st.error(say(team.error))
        return
    if upload.file_id in done:
        st.success(done[upload.file_id])
        return
    skipped = len({p.row for p in team.problems})
    st.markdown(
        f"**{tr('up.kind')}** {tr(f'kind.{team.kind}')} · **{tr('up.rows')}** "
        f"{len(team.frame) + skipped}"
    )
    for note in [*team.warnings, *(p.message for p in team.problems)]:
        st.warning(say(note))

    def save() -> Message:
        return save_team_file(store, team).said(upload.name, len(team.frame) + skipped, skipped)

    _commit(upload, save)


def _said_and_open(upload, read) -> bool:
    """A small table file's problems and refusal, or its stored message once committed;
    True while it still awaits its commit button."""
    for problem in read.problems:
        st.warning(say(problem.message))
    if not read.ok:
        st.error(say(read.error))
        return False
    if upload.file_id in done:
        st.success(done[upload.file_id])
        return False
    return True


def plan_upload(upload) -> None:
    """A task list dropped here: its tasks into the work plan (Team KPIs), one batch."""
    key = ("plan", upload.file_id)
    if key not in parsed_cache:
        parsed_cache[key] = read_plan_file(upload.getvalue(), upload.name, query(roster_frame))
    plan = parsed_cache[key]
    if not _said_and_open(upload, plan):
        return
    st.markdown(f"**{tr('up.kind')}** {tr('kind.plan')} · **{tr('up.rows')}** {len(plan.frame)}")

    def save() -> Message:
        skipped = len({p.row for p in plan.problems})
        return save_plan_file(store, plan).said(upload.name, len(plan.frame) + skipped, skipped)

    _commit(upload, save)


def inquiry_upload(upload, file_store: str | None) -> None:
    """An inquiry list dropped here: read for its store (a list with a store column names
    its own), personal data dropped unless the owner keeps it, stored as one batch that
    updates inquiries seen before by their id."""
    rules = query(inquiry_rules)
    key = ("inquiries", upload.file_id, file_store, rules)
    if key not in parsed_cache:
        parsed_cache[key] = read_inquiry_file(
            upload.getvalue(),
            upload.name,
            file_store,
            rules.time_zone,
            rules.keep_contacts,
            team_profiles(store),
        )
    inquiries = parsed_cache[key]
    if not _said_and_open(upload, inquiries):
        return
    profile = inquiries.profile
    source = (
        f"{profile.platform.label(lang())} · {profile.label(lang())}"
        if profile
        else tr("inq.own_sheet")
    )
    stores = "、".join(sorted(inquiries.rows["store"].unique()))
    st.markdown(
        f"**{tr('up.kind')}** {tr('kind.inquiries')} · **{tr('up.platform')}** {source} · "
        f"**{tr('col.store')}** {markdown_safe(stores)} · **{tr('up.rows')}** {len(inquiries.rows)}"
    )
    if inquiries.duplicates:
        st.caption(tr("inq.duplicates", count=inquiries.duplicates))
    # Said before anything is stored: what happens to the customers' personal data.
    st.info(tr("inq.contacts_kept" if rules.keep_contacts else "inq.contacts_dropped"))
    if inquiries.unread:
        st.caption(tr("inq.unread", columns="、".join(inquiries.unread)))

    def save() -> Message:
        return saved_message(inquiries, save_inquiry_file(store, inquiries))

    _commit(upload, save)


def rates_upload(upload) -> None:
    """An exchange-rate table dropped here: checked, then stored as one undoable batch."""
    key = ("rates", upload.file_id)
    if key not in parsed_cache:  # read once, not on every rerun
        into = reporting_currency(reader())
        parsed_cache[key] = read_rates_file(upload.getvalue(), upload.name, into)
    rates = parsed_cache[key]
    if not _said_and_open(upload, rates):
        return
    st.markdown(f"**{tr('up.kind')}** {tr('kind.rates')} · **{tr('up.rows')}** {len(rates.frame)}")

    def save() -> Message:
        result = save_rates(store, rates.frame, upload.name, rates.content_hash)
        return Message(
            "ok.rates", {"file": upload.name, "rows": len(rates.frame), "batch": result.batch_id}
        )

    _commit(upload, save)


def _keep_period(key: str) -> None:
    picked = st.session_state[f"pick_{key}"]
    if len(picked) == 2:  # a range is chosen once both ends are
        st.session_state[key] = tuple(picked)
    elif len(picked) == 1:
        st.session_state[key] = (picked[0], picked[0])


def field_editor(headers, fields, key: str, options: list[str], label) -> dict[str, str]:
    """Each column of a file and the field it holds, editable (a field by its name in the
    page's language, '' never read); returns column -> field as edited."""
    ignore = tr("up.ignore")
    # A column read as nothing is a value of its own: an empty cell showed a raw "None".
    unread = "-"
    edited = st.data_editor(
        pd.DataFrame({tr("up.column"): headers, tr("up.field"): [f or unread for f in fields]}),
        key=key,
        hide_index=True,
        width="stretch",
        disabled=[tr("up.column")],
        column_config={
            tr("up.field"): st.column_config.SelectboxColumn(
                tr("up.field"),
                options=[unread, *options],
                format_func=lambda f: ignore if f in (unread, "") else label(f),
                required=True,
            )
        },
    )
    chosen = edited[tr("up.field")].fillna(unread).replace(unread, "")
    return dict(zip(edited[tr("up.column")], chosen))


def mapping_editor(upload, parsed, override_key) -> None:
    """Each column and the field it maps to, editable; a change re-reads the file with it."""
    mapping = parsed.mapping_by_header()
    fields = [mapping.get(h, "") for h in parsed.headers]
    label = labeller()
    chosen = field_editor(
        parsed.headers, fields, f"editor_{upload.file_id}_{lang()}", canonical_fields(), label
    )
    if {h: f for h, f in chosen.items() if f} != mapping:
        st.session_state[override_key] = chosen
        st.rerun()
    # A layout no shipped profile knows (or one the person remapped) can be kept as one.
    unknown = parsed.profile is None or st.session_state.get(override_key)
    if parsed.ok and unknown and auth.allowed("settings"):
        profile_saver(upload, parsed)


def inquiry_mapper(upload, rows: list[list], header_row: int | None) -> None:
    """A list of inquiries whose columns nobody recognised: the person says which column
    holds what, once; kept as the team's inquiry profile, the next such list reads by it."""
    header = [str(c) for c in rows[(header_row or 1) - 1] if str(c or "").strip()]
    with st.expander(tr("inq.map_title")):
        st.caption(tr("inq.map_help"))
        key = f"inq_map_{upload.file_id}"
        fields = field_editor(
            header,
            [""] * len(header),
            f"{key}_{lang()}_{header_row}",
            list(INQUIRY_FIELDS),
            lambda f: tr(f"inqfield.{f}"),
        )
        name = st.text_input(tr("up.profile_name"), key=f"{key}_name")
        if st.button(tr("inq.map_save"), key=f"{key}_save", disabled=not name.strip()):
            try:
                with auth.acting():
                    save_team_profiles(store, inquiry_profile(name, header, fields).to_toml())
            except (ProfileError, StoreNotGranted) as refused:
                st.error(tr("up.profile_refused", why=say(refused.message)))
                return
            for cached in [k for k in parsed_cache if upload.file_id in k]:
                parsed_cache.pop(cached)
            st.session_state["_profile_saved"] = name.strip()
            st.rerun()


def profile_saver(upload, parsed) -> None:
    """The layout as mapped, with the quirks a person marks, kept as a named report profile:
    the next file of this shape reads by it without mapping (profiles.py)."""
    with st.expander(tr("up.profile_save"), expanded=False):
        key = f"profile_{upload.file_id}"
        name = st.text_input(tr("up.profile_name"), key=f"{key}_name")
        total_label = st.text_input(tr("up.profile_total"), key=f"{key}_total")
        parts = st.checkbox(tr("up.profile_parts"), key=f"{key}_parts")
        money = [h for h, f in parsed.mapping_by_header().items() if f in METRICS and is_money(f)]
        negated = st.multiselect(
            tr("up.profile_negated"), money, key=f"{key}_neg", placeholder=tr("up.choose")
        )
        netted = st.multiselect(
            tr("up.profile_netted"), money, key=f"{key}_net", placeholder=tr("up.choose")
        )
        if st.button(tr("up.profile_button"), key=f"{key}_save", disabled=not name.strip()):
            choices = ProfileChoices(name, total_label, parts, tuple(negated), tuple(netted))
            try:
                with auth.acting():
                    save_team_profiles(store, profile_from_mapping(parsed, choices).to_toml())
            except (ProfileError, StoreNotGranted) as refused:
                st.error(tr("up.profile_refused", why=say(refused.message)))
                return
            # Read again by the profile: the person's mapping is now the profile's.
            st.session_state.pop(f"override_{upload.file_id}", None)
            for cached in [k for k in parsed_cache if k[0] == upload.file_id]:
                parsed_cache.pop(cached)
            st.session_state["_profile_saved"] = name.strip()
            st.rerun()


for upload in files or []:
    with st.container(border=True):
        # A file name is text, not markdown; a heading a size down, so that a phone holds
        # "shopify_sales_by_day.csv" on one line (the subheader broke it mid-word).
        st.markdown(f"#### 📄 {markdown_safe(upload.name)}")
        plan_key = ("is_plan", upload.file_id)
        if plan_key not in parsed_cache:
            parsed_cache[plan_key] = is_plan_file(upload.getvalue())
        if parsed_cache[plan_key]:
            # A task list (Asana, Trello, Teambition, a team's own sheet): the work plan.
            plan_upload(upload)
            continue
        team_key = ("is_team", upload.file_id)
        if team_key not in parsed_cache:
            parsed_cache[team_key] = is_team_file(upload.getvalue())
        if parsed_cache[team_key]:
            # Roster and ratings sheets go to the team tables, not through the export reader.
            team_upload(upload)
            continue
        rates_key = ("is_rates", upload.file_id)
        if rates_key not in parsed_cache:
            parsed_cache[rates_key] = is_rates_file(upload.getvalue())
        if parsed_cache[rates_key]:
            rates_upload(upload)
            continue
        override_key = f"override_{upload.file_id}"
        header_key = f"header_{upload.file_id}"
        period_key = f"period_{upload.file_id}"
        if upload.file_id in done:
            # Committed: its card says what was stored where, whatever is picked above now.
            st.success(done[upload.file_id])
            continue
        file_store = file_store_picker(upload, store_name, known_stores, len(files) > 1)
        inquiry_key = ("is_inquiries", upload.file_id)
        if inquiry_key not in parsed_cache:
            parsed_cache[inquiry_key] = is_inquiry_file(
                upload.getvalue(), upload.name, team_profiles(store)
            )
        if parsed_cache[inquiry_key]:
            # One row per inquiry (国际站, 1688, a CRM, a form tool): into the inquiry ledger.
            inquiry_upload(upload, file_store)
            continue
        parsed = parsed_for(
            upload,
            file_store,
            st.session_state.get(override_key),
            st.session_state.get(header_key),
            st.session_state.get(period_key),
        )
        if not parsed.ok:
            if parsed.error.key == "err.no_store":
                # On the page: pick the store above (the message's --store is the CLI's).
                st.error(tr("up.no_store", file=upload.name))
            else:
                st.error(say(parsed.error))
            if parsed.error.key in ("err.needs_period", "err.no_date", "err.date_range_name"):
                # A file without dates: the person says which days it covers.
                st.date_input(
                    tr("up.period"),
                    value=(),
                    key=f"pick_{period_key}",
                    help=tr("up.period_help"),
                    on_change=lambda k=period_key: _keep_period(k),
                )
            if parsed.error.key in ("err.no_header", "err.no_metric", "err.no_date"):
                # A layout the aliases do not know: the person points at the header row and
                # maps the columns; the mapping is remembered for the next such file.
                rows = first_rows(upload.getvalue())
                if rows:
                    st.caption(tr("up.pick_header_hint"))
                    width = max(len(r) for r in rows)
                    tables.show(
                        pd.DataFrame(
                            [list(r) + [""] * (width - len(r)) for r in rows],
                            index=range(1, len(rows) + 1),
                        ),
                        width="stretch",
                        height=240,
                        placeholder="",  # an empty cell of the file, as a spreadsheet shows it
                    )
                    # Kept under a key of its own: the input is gone once the file reads.
                    st.number_input(
                        tr("up.header_row"),
                        1,
                        len(rows),
                        value=None,
                        step=1,
                        key=f"pick_{header_key}",
                        on_change=lambda k=header_key: st.session_state.update(
                            {k: st.session_state[f"pick_{k}"]}
                        ),
                    )
                if parsed.headers:
                    mapping_editor(upload, parsed, override_key)
                if rows and auth.allowed("settings"):
                    inquiry_mapper(upload, rows, st.session_state.get(header_key))
            continue
        if upload.file_id in done:
            st.success(done[upload.file_id])
            continue
        st.markdown(
            " · ".join(
                f"**{tr(label)}** {value}"
                for label, value in (
                    ("up.platform", parsed.platform.label(lang())),
                    ("up.kind", tr(f"kind.{parsed.kind}")),
                    ("up.encoding", parsed.encoding or parsed.format),
                    ("up.header_row", parsed.header_row),
                    ("up.dates", f"{parsed.date_min} ~ {parsed.date_max}"),
                    ("up.rows", parsed.rows_read),
                )
            )
        )
        if parsed.not_final_dates:
            st.warning(tr("up.not_final", days=", ".join(map(str, parsed.not_final_dates))))

        mapping_editor(upload, parsed, override_key)

        change = preview(store, parsed)
        st.info(
            tr(
                "up.preview",
                new=change.rows_new,
                replaced=change.rows_replaced,
                skipped=change.rows_skipped,
            )
        )
        for note in parsed.notes:  # what the reader did: duplicates kept once, hours summed
            st.caption(say(note))
        if parsed.problems:
            with st.expander(
                f"{tr('up.problems')} ({parsed.rows_rejected})", expanded=len(parsed.problems) <= 10
            ):
                tables.show(
                    pd.DataFrame(
                        {
                            "#": [p.row for p in parsed.problems],
                            tr("up.column"): [p.column for p in parsed.problems],
                            "": [p.message.text(lang()) for p in parsed.problems],
                        }
                    ),
                    hide_index=True,
                    width="stretch",
                )
        confirmed = True
        if parsed.rows_rejected:
            # Rows left out for a reason nobody chose: imported only once the person says so.
            confirmed = st.checkbox(
                tr("up.accept_skips", count=parsed.rows_rejected), key=f"skips_{upload.file_id}"
            )
        if change.changes:
            # Values from another file or platform would change: show them and ask first, in
            # the store's own currency (the file's platform's, unless the owner set another).
            symbol = query(store_currencies).get(file_store or "", parsed.platform.currency)
            st.warning(say("up.overwrites", files=", ".join(change.replaced_files)))
            tables.show(
                pd.DataFrame(
                    {
                        tr("col.metric"): [metric_label(m) for m in change.changes],
                        tr("col.before"): [
                            fmt(b, unit_of(m), symbol) for m, (b, _) in change.changes.items()
                        ],
                        tr("col.after"): [
                            fmt(a, unit_of(m), symbol) for m, (_, a) in change.changes.items()
                        ],
                    }
                ),
                hide_index=True,
            )
            replace_ok = st.checkbox(tr("up.confirm_replace"), key=f"confirm_{upload.file_id}")
            confirmed = confirmed and replace_ok
        if st.button(
            say("up.commit", file=upload.name),
            type="primary",
            key=f"commit_{upload.file_id}",
            disabled=not confirmed,
        ):
            with auth.acting():
                outcome = commit(store, parsed)
            if st.session_state.get(override_key) or st.session_state.get(header_key):
                remember_mapping(
                    store,
                    parsed.headers,
                    parsed.mapping_by_header(),
                    st.session_state.get(header_key),
                )
            said = say(outcome.message)
            if outcome.ok and file_store and len(files) > 1:
                # Several files: each card says which store its file went to.
                said += " · " + tr("up.stored_in", store=file_store)
            done[upload.file_id] = said
            st.rerun()

if not files:
    with st.expander(tr("up.samples")):
        for path in sorted(SAMPLES.glob("*")):
            if path.is_file() and path.suffix in (".csv", ".xlsx", ".xls", ".zip"):
                st.download_button(
                    path.name, path.read_bytes(), path.name, key=f"s_{path.name}", on_click="ignore"
                )

st.subheader(tr("up.stores"))


def _rename(old: str, new: str) -> None:
    # A callback, like undo: the tables below are drawn after it.
    if not auth.refuse_unless("upload"):
        return
    if has_control_characters(new):
        st.session_state["_stores_refused"] = say("acc.bad_name")
        return
    try:
        with auth.acting():
            result = rename_store(store, old, new)
    except StoreNotGranted as refused:
        st.session_state["_rename_said"] = None
        st.session_state["_stores_refused"] = say(refused.message)
        return
    st.session_state["_rename_said"] = say("up.renamed", old=old, new=new, batch=result.batch_id)


def _set_currency(store_name: str, currency: str) -> None:
    if auth.refuse_unless("upload"):
        try:
            with auth.acting():
                set_store_currency(store, store_name, currency)
        except StoreNotGranted as refused:
            st.session_state["_stores_refused"] = say(refused.message)


if said := st.session_state.pop("_rename_said", None):
    st.success(said)
if refused := st.session_state.pop("_stores_refused", None):
    st.error(refused)
stores_now = query(store_list)
if stores_now.empty:
    st.caption(tr("up.no_stores"))
else:
    tables.show(tables.store_rows(stores_now), hide_index=True, width="stretch")
    old_col, new_col, go_col = st.columns([2, 2, 1], vertical_alignment="bottom")
    old = old_col.selectbox(tr("up.rename_from"), list(stores_now.store), key="rename_from")
    with new_col:
        new = pick_or_name(
            tr("up.rename_to"),
            [s for s in stores_now.store if s != old],
            f"rename_to_{old}",
            name_label=tr("up.rename_new_name"),
        )
    new = (new or "").strip()
    go_col.button(
        tr("up.merge" if new in set(stores_now.store) else "up.rename"),
        key="rename_button",
        disabled=not new or new == old,
        on_click=_rename,
        args=(old, new),
    )
    st.caption(tr("up.rename_help"))
    # A store's currency when its platform's default is wrong for it (Amazon UK: £).
    cur_store_col, cur_col, cur_go = st.columns([2, 2, 1], vertical_alignment="bottom")
    currency_store = cur_store_col.selectbox(
        tr("up.currency_store"), list(stores_now.store), key="currency_store"
    )
    # Shown as the store is now (its platform's, or what an owner set), not the list's first.
    now = query(store_currencies).get(currency_store, "¥")
    currency = cur_col.selectbox(
        tr("col.currency"),
        CURRENCIES,
        index=CURRENCIES.index(now) if now in CURRENCIES else 0,
        key=f"currency_pick_{currency_store}",
    )
    cur_go.button(
        tr("up.currency_set"),
        key="currency_button",
        on_click=_set_currency,
        args=(currency_store, currency),
    )

st.subheader(tr("up.rates"))
st.caption(tr("up.rates_help"))


def _set_reporting() -> None:
    if auth.refuse_unless("settings"):
        with auth.acting():
            save_reporting_currency(store, st.session_state["reporting_currency"])


def _save_typed_rates(frame: pd.DataFrame) -> None:
    if not auth.refuse_unless("upload"):
        return
    # Typed rows go through the same reader as a rates file: one set of checks.
    text = frame.rename(columns=str).to_csv(index=False).encode()
    rates = read_rates_file(text, tr("up.rates_typed"), into=reporting)
    if not rates.ok or rates.problems:  # a typed table is saved whole or not at all
        wrong = [rates.error] if rates.error else [p.message for p in rates.problems]
        st.session_state["_rates_said"] = ("error", " ".join(say(m) for m in wrong))
        return
    try:
        with auth.acting():
            result = save_rates(store, rates.frame, tr("up.rates_typed"), whole=True)
    except StoreNotGranted as refused:
        st.session_state["_rates_said"] = ("error", say(refused.message))
        return
    said = Message(
        "ok.rates",
        {"file": tr("up.rates_typed"), "rows": len(rates.frame), "batch": result.batch_id},
    )
    st.session_state["_rates_said"] = ("success", say(said))


reporting = query(reporting_currency)
st.selectbox(
    tr("up.reporting_currency"),
    CURRENCIES,
    index=CURRENCIES.index(reporting),
    key="reporting_currency",
    on_change=_set_reporting,
    format_func=lambda c: f"{c} {CODE_OF.get(c, '')}",
)
stored = query(stored_rates)
typed = st.data_editor(
    pd.DataFrame(
        {
            "month": [f"{m:%Y-%m}" for m in stored.month],
            "currency": [CODE_OF.get(c, c) for c in stored.currency],
            "into": [CODE_OF.get(c, c) for c in stored.into_currency],
            "rate": stored.rate,
        }
    ).astype({"month": "string", "currency": "string", "into": "string", "rate": "float64"}),
    num_rows="dynamic",
    hide_index=True,
    key="rates_editor",
    column_config={
        "month": st.column_config.TextColumn(tr("up.rates_month"), help="2026-10"),
        "currency": st.column_config.SelectboxColumn(
            tr("col.currency"), options=list(CODE_OF.values())
        ),
        "into": st.column_config.SelectboxColumn(
            tr("up.rates_into"), options=list(CODE_OF.values()), default=CODE_OF[reporting]
        ),
        "rate": st.column_config.NumberColumn(tr("up.rates_rate"), min_value=0.0, format="%.4f"),
    },
)
st.button(tr("up.rates_save"), key="rates_save", on_click=_save_typed_rates, args=(typed,))
if said := st.session_state.pop("_rates_said", None):
    getattr(st, said[0])(said[1])

st.subheader(tr("up.history"))


def _reapply(batch: int) -> None:
    if not auth.refuse_unless("undo_own"):
        return
    try:
        with auth.acting():
            st.session_state["_undo_said"] = (True, reapply_batch(store, batch))
    except Refusal as refused:  # not undone, nothing kept, or another store's batch
        st.session_state["_undo_said"] = (False, refused.message)


def _ask_undo(batch: int) -> None:
    # First click: only ask. Nothing is undone until the question is answered.
    st.session_state["_undo_asked"] = batch


def _undo(batch: int) -> None:
    # A callback: it runs before the page, so the history below is already the new one. The
    # question is used up by the first answer: a double click cannot undo a second batch.
    if st.session_state.pop("_undo_asked", None) != batch:
        return
    if not auth.refuse_unless("undo_own"):
        return
    try:
        with auth.acting():
            said = (True, undo_batch(store, batch, auth.only_own_batches()))
    except Refusal as refused:  # a later upload overwrote it, or it is not this account's
        said = (False, refused.message)
    st.session_state["_undo_said"] = said


if said := st.session_state.pop("_undo_said", None):
    (st.success if said[0] else st.error)(say(said[1]))
batches = list_batches(store)
if not batches.empty:
    shown = history_rows(batches)
    shown.columns = [tr(f"batch.{c}") for c in shown.columns]
    tables.show(shown, hide_index=True, width="stretch", height=260)
    active = [int(b) for b in batches.batch_id[batches.undone_at.isna()]]
    asked = st.session_state.get("_undo_asked")
    if asked in active:
        st.warning(say(undo_summary(store, asked)))
        yes_col, no_col, _ = st.columns([2, 1, 3])
        yes_col.button(
            tr("up.undo_yes", batch=asked),
            key="undo_confirm",
            type="primary",
            on_click=_undo,
            args=(asked,),
        )
        no_col.button(
            tr("up.undo_no"),
            key="undo_cancel",
            on_click=lambda: st.session_state.pop("_undo_asked", None),
        )
    elif active:
        pick_col, button_col = st.columns([2, 3])
        # Keyed by the newest batch: after an import the choice starts at that one.
        batch = pick_col.selectbox(
            tr("up.undo_pick"),
            active,
            key=f"undo_pick_{active[0]}",
            label_visibility="collapsed",
        )
        button_col.button(
            tr("up.undo", batch=batch), key="undo_button", on_click=_ask_undo, args=(batch,)
        )
    undone = [int(b) for b in batches.batch_id[batches.undone_at.notna()]]
    # An undone batch can be written again, as a new batch (reapply_batch).
    if undone and asked not in active:
        again_col, again_button = st.columns([2, 3])
        again = again_col.selectbox(tr("up.reapply_pick"), undone, key=f"reapply_pick_{undone[0]}")
        again_button.button(
            tr("up.reapply", batch=again), key="reapply_button", on_click=_reapply, args=(again,)
        )
