"""Uploads and undos in any order leave exactly what replaying the surviving uploads gives,
and no check can go stale between it and the write it guards."""

import datetime as dt

import pytest
from helpers import TODAY, rollup_differences
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecdata.i18n import Refusal
from ecdata.ingest.upload import ingest_file
from ecdata.store import Store
from ecdata.store.batches import undo_batch

DAYS = ["2026-10-01", "2026-10-02", "2026-10-03"]
CHANNELS = ["搜索", "直播"]
METRICS = ["访客数", "支付金额", "询单人数"]


@st.composite
def store_files(draw) -> str:
    """A small store file: some days x channels, some metric columns, some cells missing."""
    metrics = draw(st.lists(st.sampled_from(METRICS), min_size=1, max_size=3, unique=True))
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(DAYS), st.sampled_from(CHANNELS)),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    lines = ["日期,渠道," + ",".join(metrics)]
    for day, channel in keys:
        cells = [draw(st.one_of(st.just("-"), st.integers(0, 999).map(str))) for _ in metrics]
        lines.append(f"{day},{channel}," + ",".join(cells))
    return "\n".join(lines) + "\n"


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("upload"), store_files()),
        st.tuples(st.just("undo"), st.integers(0, 5)),
    ),
    min_size=1,
    max_size=8,
)


def facts(store) -> list[tuple]:
    return (
        store.reader()
        .execute(
            "SELECT date, store, channel, visitors, sales, inquiries FROM store_daily ORDER BY ALL"
        )
        .fetchall()
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ops=OPS)
def test_any_uploads_and_undos_equal_replaying_the_survivors(tmp_path_factory, ops):
    folder = tmp_path_factory.mktemp("ops")
    uploaded: dict[int, str] = {}  # batch id -> file content
    with Store(folder / "live.duckdb") as live:
        for n, (op, arg) in enumerate(ops):
            if op == "upload":
                path = folder / f"f{n}.csv"
                path.write_text(arg, encoding="utf-8")
                outcome = ingest_file(live, path, store_name="A店", today=TODAY)
                if outcome.ok and outcome.batch.duplicate_of is None:
                    uploaded[outcome.batch.batch_id] = arg
            elif uploaded:
                batch = sorted(uploaded)[arg % len(uploaded)]
                try:
                    undo_batch(live, batch)
                except Refusal:  # a later upload replaced some of its rows: undo that first
                    continue
                del uploaded[batch]
        result = facts(live)
        assert rollup_differences(live) == []  # the store-day sums KPI queries read
    with Store(folder / "replay.duckdb") as replay:
        for n, (_, content) in enumerate(sorted(uploaded.items())):
            path = folder / f"r{n}.csv"
            path.write_text(content, encoding="utf-8")
            assert ingest_file(replay, path, store_name="A店", today=TODAY).ok
        assert result == facts(replay)


class UploadFirst(Store):
    """A store where another upload lands just before the next write takes the writer:
    the moment a check made outside the writer would go stale."""

    def __init__(self, path, upload):
        super().__init__(path)
        self._pending = upload

    def writer(self):
        if self._pending:
            upload, self._pending = self._pending, None
            upload(self)
        return super().writer()


def test_an_upload_landing_during_an_undo_is_never_doubled(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("日期,访客数\n2026-10-01,100\n", encoding="utf-8")
    second.write_text("日期,访客数\n2026-10-01,70\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as plain:
        assert ingest_file(plain, first, store_name="A店", today=TODAY).ok
    store = UploadFirst(
        tmp_path / "s.duckdb",
        lambda s: ingest_file(s, second, store_name="A店", today=TODAY),
    )
    with store:
        # The second upload replaced batch 1's row first: undoing 1 now would throw it away.
        with pytest.raises(Refusal) as refused:
            undo_batch(store, 1)
        assert refused.value.key == "err.undo_blocked"
        rows = store.reader().execute("SELECT date, visitors FROM store_daily").fetchall()
        assert rows == [(dt.date(2026, 10, 1), 70)]
