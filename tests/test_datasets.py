"""The synthetic datasets: reproducible bytes, schemas, built-in signals, clear errors, links.

Nothing here writes into the repository: rebuilds go to pytest's tmp_path.
"""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

from tobops.content import datasets as ds
from tobops.content.datasets import DATASETS, DatasetError, load, validate

REPO = Path(__file__).resolve().parent.parent
COMMITTED = REPO / "datasets"


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return ds.generate()


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> dict[str, Path]:
    return ds.build(tmp_path_factory.mktemp("datasets"))


def _rewrite(path: Path, edit) -> None:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows = edit(rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _poke(path: Path, row: int, column: str, value: str) -> None:
    """Write ``value`` into one cell of a CSV file (row 1 is the first data row)."""
    def edit(rows):
        rows[row][rows[0].index(column)] = value
        return rows

    _rewrite(path, edit)


# ---------------------------------------------------------------------------------------
# Reproducibility
# ---------------------------------------------------------------------------------------

def test_rebuild_is_byte_identical_to_committed_files(rebuilt):
    assert set(rebuilt) == set(DATASETS) | {"README.md"}
    for name, path in rebuilt.items():
        committed = COMMITTED / path.name
        assert committed.is_file(), f"{committed} is missing; run `tobops data build`"
        assert committed.read_bytes() == path.read_bytes(), f"{path.name} differs from a fresh build"


def test_generate_is_deterministic_and_matches_load(frames):
    again = ds.generate()
    for name in DATASETS:
        pd.testing.assert_frame_equal(frames[name], again[name])
        pd.testing.assert_frame_equal(frames[name], load(name, COMMITTED))


def test_csv_format(rebuilt):
    for name, path in rebuilt.items():
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), f"{path.name} has a BOM"
        assert b"\r" not in raw, f"{path.name} has CR line endings"
        raw.decode("utf-8")
    text = rebuilt["deals"].read_text(encoding="utf-8")
    assert ",True," in text and ",False," in text and ",," in text   # booleans and empty fields
    assert "2023-" in text and "00:00:00" not in text                # ISO dates, no time part
    assert " 00:00:00" not in rebuilt["events"].read_text(encoding="utf-8")


def test_readme_is_the_data_dictionary(rebuilt, frames):
    text = rebuilt["README.md"].read_text(encoding="utf-8")
    assert text == ds.data_dictionary_markdown(frames)
    assert "## How these files were made" in text and "tobops data build" in text
    for name, d in DATASETS.items():
        assert f"## {d.id} {d.filename}" in text
        assert f"Rows: {len(frames[name]):,}." in text
        for col in d.columns:
            assert f"| `{col.name}` |" in text


def test_check_mode_of_the_cli(tmp_path, capsys):
    out = tmp_path / "data"
    assert ds.main(["build", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "deals.csv (600 rows)" in printed
    assert ds.main(["build", "--check", "--out", str(out)]) == 0
    (out / "events.csv").write_text("changed\n", encoding="utf-8")
    assert ds.main(["build", "--check", "--out", str(out)]) == 1
    assert "events.csv differs" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------------------

def test_registry():
    assert list(DATASETS) == [
        "deals", "deal_stakeholders", "saas_accounts", "events", "leads", "content", "tickets",
        "toc_funnel", "toc_cohorts", "metrics_weekly", "training_assessments", "client_visits",
        "case_library", "seed_users", "ops_worklog", "content_plan"]
    ids = [d.id for d in DATASETS.values()]
    assert ids == ["D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D8", "D9", "D10", "D11", "D12",
                   "D13", "D14", "D15"]
    seeds = {d.id: d.seed for d in DATASETS.values()}
    assert seeds == {f"D{i}": 20240100 + i for i in range(1, 16)}
    for d in DATASETS.values():
        assert d.filename == f"{d.name}.csv" and d.lessons and d.columns
        for col in d.columns:
            assert col.dtype in {"str", "int", "float", "bool", "date", "datetime", "category"}
            assert bool(col.categories) == (col.dtype == "category")
            assert col.meaning and col.unit


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_dataset_loads_and_passes_its_schema(name):
    lo, hi = ds._ROW_RANGES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = load(name, COMMITTED)
        validate(name, df)
    assert list(df.columns) == [c.name for c in DATASETS[name].columns]
    assert lo <= len(df) <= hi
    for col in DATASETS[name].columns:
        s = df[col.name]
        if col.dtype in ("date", "datetime"):
            assert str(s.dtype) == "datetime64[ns]"
        elif col.dtype == "bool":
            assert str(s.dtype) == ("boolean" if col.nullable else "bool")
        elif col.dtype == "int":
            assert str(s.dtype) == ("Int64" if col.nullable else "int64")
        elif col.dtype == "float":
            assert str(s.dtype) == "float64"
        if not col.nullable:
            assert s.notna().all(), f"{name}.{col.name} has empty values"


def test_load_accepts_file_names_and_the_default_folder(monkeypatch):
    monkeypatch.setenv("TOBOPS_DATA_DIR", str(COMMITTED))
    assert ds.data_dir() == COMMITTED
    assert load("deals.csv").equals(load("deals"))


def test_load_emits_no_warnings_in_a_fresh_interpreter():
    code = ("from tobops.content.datasets import load, DATASETS\n"
            f"frames = [load(n, {str(COMMITTED)!r}) for n in DATASETS]\n")
    proc = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr


# ---------------------------------------------------------------------------------------
# Built-in signals and links
# ---------------------------------------------------------------------------------------

def test_built_in_signals_hold(frames):
    assert ds.verify_signals(frames) == []


def test_verify_signals_reports_a_broken_signal(frames):
    broken = dict(frames)
    broken["content_plan"] = frames["content_plan"].assign(planned_topic="something")
    fails = ds.verify_signals(broken)
    assert any(f.startswith("D15") for f in fails)


def test_foreign_keys(frames):
    deals, events = frames["deals"], frames["events"]
    saas = frames["saas_accounts"]
    deal_ids, account_ids = set(deals["deal_id"]), set(deals["account_id"])
    assert set(frames["deal_stakeholders"]["deal_id"]) <= deal_ids
    assert set(frames["client_visits"]["deal_id"]) <= deal_ids
    assert set(frames["leads"]["converted_deal_id"].dropna()) <= deal_ids
    assert set(frames["leads"]["event_id"].dropna()) <= set(events["event_id"])
    assert set(saas["account_id"]) <= account_ids
    assert set(frames["seed_users"]["account_id"]) <= set(saas["account_id"])
    assert set(frames["case_library"]["account_id"]) <= account_ids
    tickets = frames["tickets"]
    assert set(tickets["account_id"]) <= account_ids
    # tickets of panel accounts are the D3 ticket counts; the others come from clients won in D1
    won_accounts = set(deals.loc[deals["won"].eq(True).fillna(False), "account_id"])
    assert set(tickets["account_id"]) <= set(saas["account_id"]) | won_accounts
    assert set(frames["training_assessments"]["rep_id"]) == set(deals["rep_id"])


def test_lesson_items_have_their_data(frames):
    cohorts = frames["toc_cohorts"]
    assert (cohorts["cohort_week"] == pd.Timestamp("2024-03-04")).sum() == 31
    assert "EV07" in set(frames["events"]["event_id"])
    cases = frames["case_library"]
    assert (cases["verified"] & (cases["industry"] == "retail")).sum() >= 3
    content = frames["content"]
    june = content[(content["publish_date"].dt.strftime("%Y-%m") == "2024-06")
                   & (content["content_type"] == "industry_summary")]
    assert len(june) >= 1


# ---------------------------------------------------------------------------------------
# Clear errors
# ---------------------------------------------------------------------------------------

@pytest.fixture
def copy_dir(tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(COMMITTED, folder)
    return folder


def test_error_when_a_column_is_deleted(copy_dir):
    def drop(rows):
        i = rows[0].index("amount_cny")
        return [r[:i] + r[i + 1:] for r in rows]

    _rewrite(copy_dir / "deals.csv", drop)
    with pytest.raises(DatasetError) as exc:
        load("deals", copy_dir)
    msg = str(exc.value)
    assert "deals.csv" in msg and "'amount_cny'" in msg and "missing" in msg and "expected columns" in msg


def test_error_when_an_int_cell_is_not_a_number(copy_dir):
    _poke(copy_dir / "deals.csv", 17, "amount_cny", "abc")
    with pytest.raises(DatasetError) as exc:
        load("deals.csv", copy_dir)
    msg = str(exc.value)
    assert "deals.csv" in msg and "'amount_cny'" in msg and "row 17" in msg and "'abc'" in msg
    assert "not an integer" in msg


def test_a_date_that_is_no_day_and_an_empty_required_value_are_named_too(copy_dir):
    """The shape of a date is not enough (there is no 30 February); a required value may not
    be empty. A file is checked a distinct value at a time, and what fails is named by row."""
    _poke(copy_dir / "deals.csv", 5, "created_date", "2023-02-30")
    with pytest.raises(DatasetError, match=r"deals\.csv, column 'created_date', row 5 .*'2023-02-30' is not a date"):
        load("deals", copy_dir)

    shutil.copy(COMMITTED / "deals.csv", copy_dir / "deals.csv")
    _poke(copy_dir / "deals.csv", 9, "deal_id", "")
    with pytest.raises(DatasetError, match=r"deals\.csv, column 'deal_id', row 9 \(line 10 of the file\): empty value"):
        load("deals", copy_dir)


def test_error_when_the_file_is_missing(copy_dir):
    (copy_dir / "deals.csv").unlink()
    with pytest.raises(DatasetError) as exc:
        load("deals", copy_dir)
    msg = str(exc.value)
    assert "deals.csv not found" in msg and "tobops data build" in msg


def test_error_for_bad_category_extra_column_and_unknown_name(copy_dir):
    _poke(copy_dir / "leads.csv", 3, "channel", "tv")
    with pytest.raises(DatasetError, match=r"leads\.csv, column 'channel', row 3 .*'tv'"):
        load("leads", copy_dir)
    df = load("events", copy_dir).assign(extra=1)
    with pytest.raises(DatasetError, match=r"events\.csv: unexpected column 'extra'"):
        validate("events", df)
    df = load("events", copy_dir)
    df.loc[2, "event_id"] = None
    with pytest.raises(DatasetError, match=r"events\.csv, column 'event_id', row 3: empty value"):
        validate("events", df)
    with pytest.raises(DatasetError, match="unknown dataset"):
        load("no_such_table", copy_dir)


def test_load_hands_out_copies_and_reads_a_changed_file_again(copy_dir):
    """load() keeps each parsed file (the grading fork server fills it once for all
    kernels): callers get copies, and a file that changed is read again."""
    first = load("deals", copy_dir)
    first["amount_cny"] = 0
    first["scratch"] = 1
    again = load("deals", copy_dir)
    assert "scratch" not in again and again["amount_cny"].gt(0).any()
    pd.testing.assert_frame_equal(again, ds._parse_csv(copy_dir / "deals.csv", DATASETS["deals"]))
    _rewrite(copy_dir / "deals.csv", lambda rows: rows[:-1])
    assert len(load("deals", copy_dir)) == len(again) - 1
