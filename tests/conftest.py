"""The pytest fixtures the tests share (a fresh store, the demo company, the app on a
database); plain helpers are in helpers.py. pyproject's pythonpath puts the repository and
this folder on the import path."""

import shutil

import pytest
import streamlit as st
from helpers import (
    DEMO_END,
    TODAY,
    hash_passwords_cheaply,
    keep_what_a_server_keeps,
    run_pages_as_the_server_does,
)

from ecdata.demo import load_demo
from ecdata.store import Store

run_pages_as_the_server_does()  # every page a test opens runs inside app.py
keep_what_a_server_keeps()
hash_passwords_cheaply()


@pytest.fixture(scope="session")
def empty_store_file(tmp_path_factory):
    """A store file with every migration applied and no data, made once per test process."""
    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    Store(path).close()
    return path


@pytest.fixture
def store(tmp_path, empty_store_file):
    """A fresh DuckDB file per test: a copy of the empty one (migrating costs 0.05 s)."""
    path = tmp_path / "test.duckdb"
    shutil.copy(empty_store_file, path)
    with Store(path) as s:
        yield s


# --- the demo company, for page tests: built once, each test opens a private copy ---


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with Store(path) as store:
        load_demo(store, DEMO_END)
    return path


@pytest.fixture
def app_on(monkeypatch):
    """`app_on(path)`: the app (AppTest) opens that database file next, without the demo."""

    def use(path):
        monkeypatch.setenv("ECDATA_DB", str(path))
        monkeypatch.setenv("ECDATA_DEMO", "0")
        st.cache_resource.clear()
        st.cache_data.clear()

    yield use
    st.cache_resource.clear()


@pytest.fixture
def app_copy(tmp_path, app_on):
    """`app_copy(template)`: a private copy of a database built once, opened by the app."""

    def use(template):
        path = tmp_path / "app.duckdb"
        shutil.copy(template, path)
        app_on(path)
        return path

    return use


@pytest.fixture
def db(demo_file, app_copy):
    """A private copy of the demo database, opened by the app."""
    return app_copy(demo_file)


@pytest.fixture
def seeded(store, tmp_path):
    """A store holding one good day, to prove a refused file changes nothing."""
    from ecdata.ingest.upload import ingest_file

    good = tmp_path / "good.csv"
    good.write_text("日期,访客数,支付金额\n2026-10-01,100,1000\n", encoding="utf-8")
    assert ingest_file(store, good, store_name="A店", today=TODAY).ok
    return store
