"""``sklstm forecast --id-col``: the long CSV's columns and dates, checked before any fitting (in process)."""

import re

import pandas as pd
import pytest

from sklstm.cli import main


def _csv(tmp_path, frame):
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    return str(path)


@pytest.mark.parametrize(
    "frame, args, message",
    [
        (pd.DataFrame({"shop": ["a", "a"], "when": [1, 2], "sales": [1.0, 2.0]}), [],
         "no column of .* reads as dates; name it with --date-col"),
        (pd.DataFrame({"shop": ["a", "a"], "day": ["2020-01-01", "2020-01-02"], "kind": ["x", "y"]}), [],
         "no numeric column to forecast"),
        (pd.DataFrame({"shop": ["a", "a"], "day": ["2020-01-01", "soon"], "sales": [1.0, 2.0]}), ["--date-col", "day"],
         "column 'day' has a value that is not a date, 'soon', in data row 2"),
        (pd.DataFrame({"shop": ["a", "a"], "day": ["2020-01-01", "2020-01-02"], "sales": [1.0, 2.0]}),
         ["--target", "revenue"], "--target 'revenue' is not a column"),
    ],
)
def test_long_csv_problems_are_named_before_any_fitting(tmp_path, capsys, frame, args, message):
    assert main(["forecast", _csv(tmp_path, frame), "--id-col", "shop", *args]) == 2
    err = capsys.readouterr().err
    assert re.search(message, err), err


def test_id_col_needs_a_csv(capsys):
    assert main(["forecast", "--id-col", "shop"]) == 2
    assert "--id-col needs a CSV file of many series in long format" in capsys.readouterr().err
