"""Exports open in Excel as the user saw them, and never run a formula from the data."""

import io

import pandas as pd

from ecdata.export import to_csv_bytes, to_xlsx_bytes


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
