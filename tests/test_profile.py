"""Profiles: friendly parsing, one-line errors naming the field, atomic per-user storage
and the ``advisor profile`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import cli

from advisor.core.errors import InputError, StoreError
from advisor.core.settings import get_settings
from advisor.users.profile import Profile, missing_fields, set_field, validate_profile
from advisor.users.profile_store import load_profile, read_profile_file, save_profile


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5000", 5000.0),
        ("5,000", 5000.0),
        ("$5k", 5000.0),
        ("5K", 5000.0),
        ("€1.5m", 1_500_000.0),
        ("12 500", 12500.0),
        ("2e4", 20000.0),
        ("300 USD", 300.0),
    ],
)
def test_money_is_parsed_the_way_people_type_it(text, value):
    assert set_field(Profile(), "capital", text).capital == value


def test_hours_and_years_accept_their_units():
    p = set_field(Profile(), "hours_per_week", "10 hours")
    p = set_field(p, "horizon-years", "15 years")
    assert (p.hours_per_week, p.horizon_years) == (10.0, 15.0)


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("capital", "-5", "capital cannot be negative"),
        ("capital", "2e12", "capital must be at most"),
        ("hours_per_week", "200", "hours_per_week must be at most 168"),
        ("horizon_years", "101", "horizon_years must be at most 100"),
        ("monthly_surplus", "lots", "monthly_surplus: 'lots' is not a number"),
        ("risk_tolerance", "yolo", "risk_tolerance: use low, medium or high"),
        ("currency", "dollars", "currency"),
        ("salary", "5", "unknown profile field 'salary'"),
    ],
)
def test_bad_values_are_one_line_errors_naming_the_field(field, text, message):
    with pytest.raises(InputError) as info:
        set_field(Profile(), field, text)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_clears_a_field_and_missing_fields_lists_what_is_not_known():
    p = set_field(Profile(capital=100, skills=["writing"]), "capital", "unknown")
    assert p.capital is None
    assert missing_fields(p) == [
        "emergency_fund",
        "monthly_expenses",
        "high_interest_debt",
        "capital",
        "hours_per_week",
        "risk_tolerance",
        "monthly_surplus",
        "goal_monthly_income",
        "horizon_years",
    ]
    assert missing_fields(Profile()) == [
        "emergency_fund",
        "monthly_expenses",
        "high_interest_debt",
        "capital",
        "hours_per_week",
        "risk_tolerance",
        "skills",
        "monthly_surplus",
        "goal_monthly_income",
        "horizon_years",
    ]


@pytest.mark.parametrize(
    ("field", "text", "stored", "value"),
    [
        ("debt", "5000", "high_interest_debt", 5000.0),  # the review's `profile set debt 5000`
        ("debt_rate", "24% APR", "debt_rate", 24.0),
        ("expenses", "$3,000", "monthly_expenses", 3000.0),
        ("emergency_fund_months", "2 months", "emergency_fund_months", 2.0),
        ("emergency fund", "$6k", "emergency_fund", 6000.0),
    ],
)
def test_the_basics_are_profile_fields_people_can_set(field, text, stored, value):
    assert getattr(set_field(Profile(), field, text), stored) == value


def test_the_emergency_fund_is_an_amount_or_months_never_both():
    p = set_field(Profile(), "emergency_fund_months", "2")
    p = set_field(p, "emergency_fund", "9000")
    assert (p.emergency_fund, p.emergency_fund_months) == (9000, None)
    p = set_field(p, "emergency_fund_months", "4")
    assert (p.emergency_fund, p.emergency_fund_months) == (None, 4)


def test_known_basics_leave_missing():
    p = Profile(emergency_fund=0, high_interest_debt=0)
    assert not {"emergency_fund", "monthly_expenses", "high_interest_debt"} & set(missing_fields(p))
    p = Profile(emergency_fund=5000, high_interest_debt=0)
    assert "monthly_expenses" in missing_fields(p)  # 5,000 is how many months?


def test_zero_is_a_known_value_not_unknown():
    p = Profile(capital=0, hours_per_week=0)
    assert "capital" not in missing_fields(p)
    assert "hours_per_week" not in missing_fields(p)


def test_skills_are_split_tidied_and_risk_words_mapped():
    p = set_field(Profile(), "skills", "Writing, teaching and  Graphic   design; writing")
    assert p.skills == ["writing", "teaching", "graphic design"]
    assert set_field(p, "risk_tolerance", "Conservative").risk_tolerance == "low"


def test_income_sources_from_short_text_or_json():
    p = set_field(Profile(), "income_sources", "job:160:4000; rent:6:$1.2k")
    assert [(s.name, s.hours_per_month, s.monthly_income) for s in p.income_sources] == [
        ("job", 160.0, 4000.0),
        ("rent", 6.0, 1200.0),
    ]
    raw = json.dumps([{"name": "shop", "hours_per_month": 20, "monthly_income": 800}])
    assert set_field(p, "income_sources", raw).income_sources[0].name == "shop"
    with pytest.raises(InputError, match="income_sources"):
        set_field(p, "income_sources", "job:1:2:3")


def test_validate_profile_accepts_friendly_text_from_a_form_or_file():
    p = validate_profile({"capital": "$20k", "skills": "coding", "risk_tolerance": "HIGH"})
    assert (p.capital, p.skills, p.risk_tolerance) == (20000.0, ["coding"], "high")
    assert validate_profile({"skills": None, "income_sources": None}) == Profile()
    with pytest.raises(InputError, match="capital cannot be negative"):
        validate_profile({"capital": -1})


def test_save_and_load_round_trip_atomically(tmp_path):
    settings = get_settings()
    assert load_profile(settings, "ann") == Profile()  # nothing saved yet
    p = Profile(capital=5000, skills=["writing"], currency="eur")
    save_profile(settings, "ann", p)
    folder = settings.users_dir / "ann"
    assert [f.name for f in folder.iterdir()] == ["profile.json"]  # no temp file left
    assert load_profile(settings, "ann") == p
    assert load_profile(settings, "ann").currency == "EUR"


def test_a_damaged_profile_file_says_how_to_fix_it():
    settings = get_settings()
    path = settings.users_dir / "ann" / "profile.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"capital": -3}', encoding="utf-8")
    with pytest.raises(StoreError, match="save the profile again") as caught:
        load_profile(settings, "ann")
    # the web and API message names no command; only the terminal's hint does
    assert "`" not in str(caught.value) and "advisor " not in str(caught.value)
    assert "`advisor profile --user ann import FILE`" in caught.value.for_terminal()


def test_bad_user_ids_never_reach_the_file_system():
    with pytest.raises(InputError, match="invalid user id"):
        load_profile(get_settings(), "../etc")


def test_read_profile_file_reads_yaml_and_json(tmp_path: Path):
    y = tmp_path / "p.yaml"
    y.write_text("capital: $5k\nskills: [writing, teaching]\nhours_per_week: 8\n")
    j = tmp_path / "p.json"
    j.write_text(
        json.dumps({"capital": 5000, "skills": ["writing", "teaching"], "hours_per_week": 8})
    )
    assert read_profile_file(y) == read_profile_file(j)
    bad = tmp_path / "bad.yaml"
    bad.write_text("capital: [unclosed\n")
    with pytest.raises(InputError, match="bad.yaml: not valid JSON or YAML"):
        read_profile_file(bad)
    with pytest.raises(InputError, match="not found"):
        read_profile_file(tmp_path / "none.json")


# -- the command ---------------------------------------------------------------------


def test_profile_set_show_and_json(capsys):
    assert cli(capsys, "profile", "--user", "bo", "set", "capital", "$5k")[0] == 0
    assert cli(capsys, "profile", "--user", "bo", "set", "skills", "writing, teaching")[0] == 0
    code, out, _ = cli(capsys, "profile", "--user", "bo", "show")
    assert code == 0
    assert "5,000" in out and "writing, teaching" in out and "unknown" in out
    basics = "emergency_fund, monthly_expenses, high_interest_debt"
    assert f"not known yet: {basics}, hours_per_week" in out
    code, out, _ = cli(capsys, "profile", "-u", "bo", "show", "--json")
    data = json.loads(out)
    assert data["capital"] == 5000 and data["skills"] == ["writing", "teaching"]
    assert data["hours_per_week"] is None


def test_profile_show_rates_current_income_sources(capsys):
    cli(capsys, "profile", "--user", "bo", "set", "income_sources", "job:160:4000")
    code, out, _ = cli(capsys, "profile", "--user", "bo", "show")
    assert "job" in out and "active (4.00 h per 100)" in out


def test_profile_set_a_negative_value_is_one_line_and_keeps_the_old_value(capsys):
    cli(capsys, "profile", "--user", "bo", "set", "capital", "100")
    code, out, err = cli(capsys, "profile", "--user", "bo", "set", "capital", "-5")
    assert code == 2 and out == ""
    assert err.strip() == "error: capital cannot be negative (-5)"
    assert load_profile(get_settings(), "bo").capital == 100


def test_profile_import_replaces_the_profile(capsys, tmp_path):
    cli(capsys, "profile", "--user", "bo", "set", "goal_monthly_income", "900")
    f = tmp_path / "me.yaml"
    f.write_text("capital: 20000\nrisk_tolerance: low\n")
    code, out, _ = cli(capsys, "profile", "--user", "bo", "import", str(f))
    assert code == 0 and "imported" in out
    saved = load_profile(get_settings(), "bo")
    assert (saved.capital, saved.risk_tolerance, saved.goal_monthly_income) == (20000, "low", None)


def test_profile_import_of_a_bad_file_keeps_the_old_profile(capsys, tmp_path):
    cli(capsys, "profile", "--user", "bo", "set", "capital", "100")
    f = tmp_path / "me.json"
    f.write_text(json.dumps({"capital": 5, "hours": 3}))
    code, _, err = cli(capsys, "profile", "--user", "bo", "import", str(f))
    assert code == 2 and "unknown profile field 'hours'" in err
    assert load_profile(get_settings(), "bo").capital == 100


def test_profile_needs_a_valid_user(capsys):
    code, _, err = cli(capsys, "profile", "--user", "no/pe", "show")
    assert code == 2 and "invalid user id" in err


def test_profile_set_takes_the_basics_by_their_short_names(capsys):
    code, out, err = cli(capsys, "profile", "--user", "di", "set", "debt", "5000")
    assert code == 0 and out.strip() == "high_interest_debt = 5000.0" and not err
    assert cli(capsys, "profile", "--user", "di", "set", "debt-rate", "24%")[0] == 0
    code, out, _ = cli(capsys, "profile", "--user", "di", "show", "--json")
    data = json.loads(out)
    assert data["high_interest_debt"] == 5000 and data["debt_rate"] == 24
