"""Exports open in Excel as the user saw them, and never run a formula from the data."""

import io

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ecdata.export import _dangerous, neutralise, to_csv_bytes, to_xlsx_bytes


def test_formula_like_cells_are_neutralised_in_csv_and_xlsx():
    frame = pd.DataFrame(
        {
            "store": ['=HYPERLINK("http://x")', "-cmd|' /C calc'!A0", "-2", "@SUM(A1)", "天猫"],
            "sales": [1.0, 2.0, -3.0, 4.0, 5.0],
        }
    )
    raw = to_csv_bytes(frame)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Chinese Excel opens it as UTF-8
    csv = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    # A formula or a DDE call is inert; a signed number stays a number.
    expected = ['\'=HYPERLINK("http://x")', "'-cmd|' /C calc'!A0", "-2", "'@SUM(A1)", "天猫"]
    assert [str(v) for v in csv.store] == expected
    assert list(csv.sales) == [1.0, 2.0, -3.0, 4.0, 5.0]  # numbers stay numbers
    back = pd.read_excel(io.BytesIO(to_xlsx_bytes(frame)), engine="calamine")
    assert [str(v) for v in back.store] == expected
    assert list(back.sales) == [1.0, 2.0, -3.0, 4.0, 5.0]


_TEXT = "=+-@\t\r 0123456789.,%¥$万pp１２٣\u3000\x85abc天猫|!'\""


@settings(max_examples=150, deadline=None)
@given(
    cells=st.lists(st.one_of(st.none(), st.text(alphabet=_TEXT, max_size=8)), max_size=12),
    kind=st.sampled_from(["str", "object", "category"]),
)
@example(cells=["-１２", "+٣%", "-\u3000¥1", "=1", None], kind="str")  # Python's \d, \s only
def test_every_text_cell_follows_the_one_rule_in_every_kind_of_column(cells, kind):
    """neutralise checks a frame's text in one pass (Arrow's RE2 regexes) and then cell by
    cell: the outcome is the rule itself, applied to each cell of every kind of text column
    (unicode digits and spaces, which Python's regexes count and RE2's do not, included)."""
    for rows in (cells, cells * 256):  # a short table is read whole, a long one by column
        frame = pd.DataFrame({"a": pd.Series(rows, dtype=kind), "n": range(len(rows))})
        shown = neutralise(frame)
        expected = ["'" + v if _dangerous(v) else v for v in frame.a]
        assert [v if isinstance(v, str) else None for v in shown.a] == [
            v if isinstance(v, str) else None for v in expected
        ]
        assert shown.n.tolist() == list(range(len(rows)))


def test_a_pivot_of_500_stores_is_checked_in_one_pass():
    """Explore's pivot of 500 stores' formatted numbers: signed numbers stay, a name that
    is a formula is made text, in whichever column it is."""
    frame = pd.DataFrame({f"店{i}": ["-¥3,900", "+12.5%", "¥10"] for i in range(500)})
    frame.iloc[2, 321] = "=1+1"
    shown = neutralise(frame)
    assert shown.iloc[2, 321] == "'=1+1"
    shown.iloc[2, 321] = "¥10"
    assert shown.equals(frame.assign(**{"店321": ["-¥3,900", "+12.5%", "¥10"]}))
