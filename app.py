"""ecdata: the dashboard shell. Sidebar filters shared by every page, then the page itself."""

import streamlit as st

st.set_page_config(page_title="ecdata", page_icon="📊", layout="wide")

from ecdata.ingest.reader import DEFAULT_MAX_MB  # noqa: E402
from ui.auth import current_user, gate  # noqa: E402
from ui.sidebar import render_sidebar  # noqa: E402
from ui.state import lang, page_run, tr  # noqa: E402


def open_the_review_by_its_path() -> None:
    """A link to /overview opens the review page. Streamlit serves its default page at /
    only and answers the page's own path with an English 'Page not found' dialog; the
    page's name is taken back so the default (this very page) runs without it."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    manager = ctx.pages_manager if ctx is not None else None
    if manager is not None and not manager.intended_page_script_hash:
        if (manager.intended_page_name or "").strip("/") == "overview":
            manager.set_script_intent("", "")


# Streamlit's own tooltips of a table's toolbar, by the button's (English) label.
TOOLBAR_TIPS = {
    "Show/hide columns": "ui.tip_columns",
    "Download as CSV": "ui.tip_download",
    "Search": "ui.tip_search",
    "Fullscreen": "ui.tip_fullscreen",
    "Close fullscreen": "ui.tip_close_fullscreen",
}
# Opens the database (the demo company in an empty one) and reads its version once; every
# read of the run shares one read transaction per store scope, ended with the run.
with page_run():
    pages = {
        tr("nav.review"): [
            st.Page(
                "pages/overview.py",
                title=tr("page.overview"),
                icon="📊",
                default=True,
                url_path="overview",
            ),
        ],
        tr("nav.analyse"): [
            st.Page(
                "pages/inquiry_cost.py",
                title=tr("page.inquiry_cost"),
                icon="💰",
                url_path="inquiry_cost",
            ),
            st.Page("pages/explore.py", title=tr("page.explore"), icon="🔎", url_path="explore"),
        ],
        tr("nav.team"): [
            st.Page(
                "pages/team_kpis.py", title=tr("page.team_kpis"), icon="👥", url_path="team_kpis"
            ),
            st.Page(
                "pages/diagnosis.py", title=tr("page.diagnosis"), icon="🧭", url_path="diagnosis"
            ),
            st.Page("pages/org.py", title=tr("page.org"), icon="🏢", url_path="org"),
        ],
        tr("nav.data"): [
            st.Page("pages/upload.py", title=tr("page.upload"), icon="📤", url_path="upload"),
        ],
    }
    # The navigation knows every page before the sign-in, so a shared link opens its page once
    # signed in; its menu shows only then.
    signed_in = current_user() is not None

    open_the_review_by_its_path()
    page = st.navigation(pages, position="sidebar" if signed_in else "hidden", expanded=True)
    gate()  # with accounts, nothing runs before a sign-in
    # On a phone: chart ticks at 12 px (plotly writes the desktop's 15 px; its positions stay),
    # the org chart at a width its boxes' names fit, scrolled sideways inside its own card.
    st.html(
        "<style>@media (max-width: 640px) {"
        "[data-testid=stPlotlyChart] :is(.xtick, .x2tick, .ytick, .y2tick) text"
        " {font-size: 12px !important;}"
        ".st-key-org_chart {overflow-x: auto !important;}"
        ".st-key-org_chart > * {min-width: 760px !important;}"
        "}</style>"
    )
    if lang() == "zh":
        # Streamlit writes a file uploader's button and limit ("Upload", "150MB per file"), a
        # search that matches no option ("No results") and the tooltips of a table's toolbar in
        # English only: CSS puts our words in their place, on every page (the Org page has an
        # uploader too). A tooltip shows for the one button hovered.
        tips = "".join(
            f'body:has([data-testid=stElementToolbar] button[aria-label="{label}"]:hover)'
            " [role=tooltip] [data-testid=stTooltipContent] p::after"
            f' {{content: "{tr(key)}"; font-size: 0.875rem}}'
            for label, key in TOOLBAR_TIPS.items()
        )
        button = tr("up.browse").replace('"', "")
        limit = tr("up.limit", mb=DEFAULT_MAX_MB).replace('"', "")
        st.html(
            "<style>[data-testid=stFileUploaderDropzone] button p {font-size: 0}"
            f'[data-testid=stFileUploaderDropzone] button p::after {{content: "{button}";'
            " font-size: 1rem}"
            "[data-testid=stFileUploaderDropzoneInstructions] span {font-size: 0}"
            f'[data-testid=stFileUploaderDropzoneInstructions] span::after {{content: "{limit}";'
            " font-size: 0.875rem}"
            "[role=listbox][data-empty=true] [role=option] span {font-size: 0}"
            "[role=listbox][data-empty=true] [role=option] span::after"
            f' {{content: "{tr("ui.no_results")}"; font-size: 1rem}}'
            "body:has([data-testid=stElementToolbar] button:hover)"
            " [role=tooltip] [data-testid=stTooltipContent] p {font-size: 0}"
            f"{tips}</style>"
        )
    render_sidebar()
    page.run()
