"""The engine's layers, checked from its source: which package may import which.

store (DuckDB, batches) <- ingest (files to facts) <- metrics? no: metrics reads the store and
never a file; team reads files only through ingest's public functions. Nothing in ecdata
imports Streamlit: the pages are one face of the engine, the CLI the other.
"""

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[1] / "ecdata"
LEAVES = {"ecdata.i18n", "ecdata.names", "ecdata.platforms", "ecdata.formatting", "ecdata.export"}
LEAVES.add("ecdata.sql")  # SQL text with its parameters, and the one way to run it
# The metric catalogue declares what each metric is (unit, limit, formula): a leaf every
# layer may read, the ingest's plausibility limits included; it reads no store.
CATALOGUE = "ecdata.metrics.catalogue"
LEAVES.add(CATALOGUE)


def module_name(path: Path) -> str:
    parts = path.relative_to(ENGINE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            # `from ecdata.ingest import headers` imports the submodule too.
            found.update(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if (ENGINE.parent / node.module.replace(".", "/") / f"{alias.name}.py").exists()
            )
    return found


MODULES = {module_name(p): imports_of(p) for p in sorted(ENGINE.rglob("*.py"))}


def under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def offending(package: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    def bad(i):
        return i != CATALOGUE and any(under(i, f) for f in forbidden)

    return {
        mod: sorted(i for i in imps if bad(i))
        for mod, imps in MODULES.items()
        if under(mod, package) and any(bad(i) for i in imps)
    }


def test_the_scan_sees_the_engine():
    # Guards the guard: a scan that found nothing would pass every rule below.
    assert {
        "ecdata.store.batches",
        "ecdata.ingest.facts",
        "ecdata.metrics.kpis",
        "ecdata.team.scoring",
    } <= set(MODULES)
    assert "ecdata.store" in MODULES["ecdata.store.batches"]


def test_the_engine_never_imports_streamlit():
    assert offending("ecdata", ("streamlit",)) == {}


@pytest.mark.parametrize(
    "package, forbidden",
    [
        (
            "ecdata.store",
            ("ecdata.ingest", "ecdata.metrics", "ecdata.team", "ecdata.demo", "ecdata.cli"),
        ),
        ("ecdata.ingest", ("ecdata.metrics", "ecdata.team", "ecdata.demo", "ecdata.cli")),
        ("ecdata.metrics", ("ecdata.ingest", "ecdata.team", "ecdata.demo", "ecdata.cli")),
        ("ecdata.team", ("ecdata.demo", "ecdata.cli")),
    ],
)
def test_layers_import_only_downwards(package, forbidden):
    assert offending(package, forbidden) == {}


def test_team_reads_files_only_through_the_ingest_package():
    inner = {
        mod: sorted(i for i in imps if i.startswith("ecdata.ingest."))
        for mod, imps in MODULES.items()
        if under(mod, "ecdata.team")
    }
    assert {m: i for m, i in inner.items() if i} == {}


def test_leaf_modules_import_only_leaves():
    bad = {
        mod: sorted(i for i in imps if under(i, "ecdata") and i not in LEAVES)
        for mod, imps in MODULES.items()
        if mod in LEAVES
    }
    assert {m: i for m, i in bad.items() if i} == {}


def test_every_package_says_what_it_owns():
    for init in ENGINE.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 40, init


def test_streamlit_still_has_the_switch_ui_state_flips_for_shared_links():
    """ui/state._leave_folder_navigation sets PagesManager.uses_pages_directory, the switch
    st.navigation sets itself; an upgrade that renames it must fail here, not in a browser."""
    import inspect

    from streamlit.commands import navigation
    from streamlit.runtime.pages_manager import PagesManager

    assert "uses_pages_directory" in vars(PagesManager)
    assert "PagesManager.uses_pages_directory = False" in inspect.getsource(navigation.navigation)


def test_a_page_a_test_switches_to_runs_through_app_py_as_on_the_server(db):
    """helpers.run_pages_as_the_server_does: a page chosen with switch_page runs inside
    app.py (its sign-in gate, sidebar and run transaction), not on its own; an upgrade that
    changes how AppTest finds its pages must fail here."""
    from helpers import app

    import ecdata.store.database as database

    seen = []
    real = database.Store.run_reader
    at = app(lang="en")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            database.Store,
            "run_reader",
            lambda self, stores=None: seen.append(database.in_run()) or real(self, stores),
        )
        at.switch_page("pages/explore.py").run()
    assert not at.exception and at.title[0].value == "🔎 Explore"
    assert at.sidebar.selectbox and seen and all(seen)  # the sidebar, and reads in the run


def test_every_refusal_is_a_refusal():
    """One Refusal (ecdata.i18n) carrying a Message: every exception class the engine
    declares is one, except the reader's internal signal for undecodable bytes (turned into
    a refusal where it is caught)."""
    import importlib
    import inspect

    from ecdata.i18n import Refusal

    internal = {"ecdata.ingest.sniff.UndecodableText"}
    declared = []
    for name in MODULES:
        if name.endswith("__main__"):
            continue  # importing it runs the CLI
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == name and issubclass(cls, BaseException):
                declared.append(f"{name}.{cls_name}")
                if f"{name}.{cls_name}" not in internal:
                    assert issubclass(cls, Refusal), f"{name}.{cls_name}"
    assert "ecdata.store.database.StoreNotGranted" in declared  # the scan sees them
