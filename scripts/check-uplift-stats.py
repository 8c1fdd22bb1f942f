#!/usr/bin/python3
"""Check Wayline's uplift reports for the Hillstrom e-mail experiment against statsmodels and scipy.

The script computes six reports from the raw CSV: campaigns hillstrom-mens (Mens E-Mail
against No E-Mail) and hillstrom-womens (Womens E-Mail against No E-Mail), each for the
metrics visit, conversion and spend. Spend is per customer, with customers who spent
nothing counted as 0. Each report has the rates, uplift, interval and p-value, the interval
of the relative uplift, the incremental total, the minimum detectable effect and the
chi-square sample-ratio check against the configured 50% control share. It then compares
them with Wayline's reports, field by field, to 6 decimals and exits with status 1 on any
mismatch. The edge cases (zero conversions, tiny and empty arms, 0% and 100% rates and
shares) are compared through the unit-test tables that --print-cases generates.

It needs Debian's interpreter, /usr/bin/python3, with `apt-get install -y
python3-statsmodels python3-scipy`, and python3-mpmath for --print-cases. It was written
against statsmodels 0.13.5, scipy 1.10.1 and mpmath 1.2.1 (Debian 12). A pyenv `python3`
earlier on PATH does not see those packages.

Usage:
  scripts/check-uplift-stats.py PATH/hillstrom.csv
      Runs `npm run --silent wayline -- report uplift --campaign C --metric M --json`
      six times from the project folder, with this process's environment.
  scripts/check-uplift-stats.py PATH/hillstrom.csv --wayline-json reports.json
      Compares a JSON array of the six reports instead of running the CLI.
  scripts/check-uplift-stats.py PATH/hillstrom.csv --simulate-sequential
      Simulates A/A tests looked at every day, with the fixed-sample test and with the
      always-valid interval, and prints their false-positive rates.
  scripts/check-uplift-stats.py PATH/hillstrom.csv --print-cases
      Prints the expected-value tables of the unit tests in libs/experiments/src/statistics/,
      one section per spec file, to paste between its GENERATED CASES markers.

Exit status: 0 when every value agrees, 1 on a mismatch, 2 when the data or Wayline's
output cannot be read.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import shlex
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional

import numpy as np
import scipy
import statsmodels
from scipy import optimize, stats
from statsmodels.stats.power import NormalIndPower, normal_power
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

PROJECT_DIR = Path(__file__).resolve().parent.parent

CONTROL_SEGMENT = "No E-Mail"
CAMPAIGN_SEGMENTS = {
    "hillstrom-mens": "Mens E-Mail",
    "hillstrom-womens": "Womens E-Mail",
}
METRICS = ("visit", "conversion", "spend")
REQUIRED_COLUMNS = ("segment", "visit", "conversion", "spend")

# Two values agree to 6 decimals when they differ by at most half a unit in the 6th decimal.
TOLERANCE = 0.5e-6
COMPARED_FIELDS = (
    "n", "conversions", "rate", "absolute", "relative", "ci95", "pValue",
    "relativeCi95", "incremental", "mde", "srm",
)
# Each Hillstrom campaign sends half of the customers it covers to the shared control group.
HILLSTROM_CONTROL_SHARE = 0.5
MDE_ALPHA = 0.05
MDE_POWER = 0.8


class InputError(Exception):
    """Data or Wayline output that cannot be read. The script exits with status 2."""


# --- Reading the experiment ------------------------------------------------------------


@dataclass
class Arm:
    """Per-customer values of one segment."""

    visit: list[int]
    conversion: list[int]
    spend: list[float]


def read_hillstrom(path: Path) -> dict[str, Arm]:
    """Read the CSV into one Arm per segment. The csv module handles CRLF and quoted fields."""
    arms: dict[str, Arm] = {}
    try:
        file = path.open(newline="", encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read {path}: {error}") from error
    with file:
        reader = csv.DictReader(file)
        missing = [column for column in REQUIRED_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}: missing columns {', '.join(missing)}. The header is {reader.fieldnames}.")
        for row in reader:
            arm = arms.setdefault(row["segment"], Arm([], [], []))
            try:
                arm.visit.append(parse_flag(row["visit"]))
                arm.conversion.append(parse_flag(row["conversion"]))
                arm.spend.append(float(row["spend"]))
            except ValueError as error:
                raise InputError(f"{path}, line {reader.line_num}: {error}") from error
    for segment in (CONTROL_SEGMENT, *CAMPAIGN_SEGMENTS.values()):
        if segment not in arms:
            raise InputError(f"{path}: no rows with segment {segment!r}. Segments found: {sorted(arms)}")
    return arms


def parse_flag(text: str) -> int:
    if text not in ("0", "1"):
        raise ValueError(f"expected 0 or 1, found {text!r}")
    return int(text)


# --- Reference statistics --------------------------------------------------------------


def finite_or_none(value: Any) -> Optional[float]:
    """Map NaN and ±inf, which Wayline reports as null, to None."""
    value = float(value)
    return value if math.isfinite(value) else None


def interval_or_none(low: Any, high: Any) -> Optional[list[float]]:
    low, high = finite_or_none(low), finite_or_none(high)
    return None if low is None or high is None else [low, high]


def relative_uplift(treatment_rate: Optional[float], control_rate: Optional[float]) -> Optional[float]:
    if treatment_rate is None or control_rate is None or control_rate == 0:
        return None
    return treatment_rate / control_rate - 1


def binary_reference(treatment_count: int, treatment_n: int, control_count: int, control_n: int) -> dict:
    """Rates, uplift, Newcombe interval and pooled z-test p-value of a 0/1 metric, by statsmodels."""
    treatment_rate = treatment_count / treatment_n if treatment_n > 0 else None
    control_rate = control_count / control_n if control_n > 0 else None

    ci95 = None
    if treatment_n > 0 and control_n > 0:
        # statsmodels 0.13.5 raises ZeroDivisionError when an arm is empty, hence the guard.
        low, high = confint_proportions_2indep(
            treatment_count, treatment_n, control_count, control_n, method="newcomb", compare="diff"
        )
        ci95 = interval_or_none(low, high)

    with edge_case_warnings_ignored():
        _, p_value = proportions_ztest(
            np.array([treatment_count, control_count]), np.array([treatment_n, control_n])
        )

    absolute = None if treatment_rate is None or control_rate is None else treatment_rate - control_rate
    relative_ci95 = None
    if treatment_count > 0 and control_count > 0:
        low, high = confint_proportions_2indep(
            treatment_count, treatment_n, control_count, control_n, method="log", compare="ratio"
        )
        relative_ci95 = interval_or_none(low - 1, high - 1)
    return {
        "treatment": {"n": treatment_n, "conversions": treatment_count, "rate": treatment_rate},
        "control": {"n": control_n, "conversions": control_count, "rate": control_rate},
        "uplift": {
            "absolute": absolute,
            "relative": relative_uplift(treatment_rate, control_rate),
            "ci95": ci95,
            "pValue": finite_or_none(p_value),
            "relativeCi95": relative_ci95,
            "incremental": incremental_reference(treatment_n, absolute, ci95),
            "minimumDetectableEffect": rate_mde_reference(treatment_n, control_n, control_rate),
        },
    }


def incremental_reference(treatment_n: int, absolute: Optional[float], ci95: Optional[list[float]]) -> dict:
    return {
        "value": None if absolute is None else absolute * treatment_n,
        "ci95": None if ci95 is None else [ci95[0] * treatment_n, ci95[1] * treatment_n],
    }


def rate_mde_reference(treatment_n: int, control_n: int, control_rate: Optional[float]) -> dict:
    """Minimum detectable rate increase from Cohen's h, on statsmodels' NormalIndPower power function.

    h is solved with brentq to full precision, because NormalIndPower().solve_power in
    statsmodels 0.13.5 stops early: for Hillstrom's arms its h gives power 0.7999925, not 0.8,
    which moves the MDE by 1e-5 relative error.
    """
    if treatment_n == 0 or control_n == 0 or control_rate is None:
        return {"absolute": None, "relative": None}
    power = NormalIndPower()
    cohens_h = optimize.brentq(
        lambda h: power.power(h, treatment_n, MDE_ALPHA, ratio=control_n / treatment_n) - MDE_POWER,
        1e-12,
        100,
        xtol=1e-300,
        rtol=4 * np.finfo(float).eps,
    )
    angle = math.asin(math.sqrt(control_rate)) + cohens_h / 2
    if angle > math.pi / 2:
        return {"absolute": None, "relative": None}
    absolute = math.sin(angle) ** 2 - control_rate
    return {"absolute": absolute, "relative": None if control_rate == 0 else absolute / control_rate}


def standardized_detectable_effect() -> float:
    """u with statsmodels' two-sided normal_power(u, nobs=1, alpha) = power, solved with brentq."""
    return optimize.brentq(
        lambda u: normal_power(u, 1, MDE_ALPHA) - MDE_POWER, 0.1, 40, xtol=1e-15, rtol=4 * np.finfo(float).eps
    )


def sample_ratio_reference(control_n: int, treatment_n: int, control_share: float) -> dict:
    """scipy's chi-square goodness-of-fit test of [n_c, n_t] against the configured split."""
    total = control_n + treatment_n
    result = stats.chisquare([control_n, treatment_n], [total * control_share, total * (1 - control_share)])
    return {"chiSquare": float(result.statistic), "pValue": float(result.pvalue), "flagged": bool(result.pvalue < 0.001)}


def precise_t_critical_value(df: float, confidence: float = 0.95) -> float:
    """Solve P(T <= -x) = (1 - confidence) / 2 on scipy's t CDF instead of calling t.ppf.

    scipy 1.10.1's t.ppf misses the quantile by up to 4e-9 relative error for df < 100,
    while its t.cdf agrees with mpmath to 1e-14 (checked for df 1 to 42000 and |x| 0.5 to 10).
    """
    tail = (1 - confidence) / 2
    start = stats.t.ppf(1 - tail, df)
    # t.ppf is within 1e-8 relative error of the root, so this bracket contains it.
    return optimize.brentq(
        lambda x: stats.t.cdf(-x, df) - tail,
        start * (1 - 1e-6),
        start * (1 + 1e-6),
        xtol=1e-300,
        rtol=4 * np.finfo(float).eps,
    )


def spend_reference(treatment: list[float], control: list[float], precise_quantile: bool = False) -> dict:
    """Means, uplift, Welch interval and Welch t-test p-value, by scipy and statsmodels.

    With precise_quantile, the interval uses statsmodels' formula with precise_t_critical_value.
    """
    treatment_array = np.asarray(treatment, dtype=float)
    control_array = np.asarray(control, dtype=float)
    treatment_mean = float(treatment_array.mean()) if len(treatment) > 0 else None
    control_mean = float(control_array.mean()) if len(control) > 0 else None

    with edge_case_warnings_ignored():
        p_value = stats.ttest_ind(treatment_array, control_array, equal_var=False).pvalue
        comparison = CompareMeans(DescrStatsW(treatment_array), DescrStatsW(control_array))
        low, high = comparison.tconfint_diff(usevar="unequal")
        ci95 = interval_or_none(low, high)
        if precise_quantile and ci95 is not None:
            difference = comparison.d1.mean - comparison.d2.mean
            half_width = precise_t_critical_value(comparison.dof_satt()) * comparison.std_meandiff_separatevar
            ci95 = [difference - half_width, difference + half_width]

    absolute = None if treatment_mean is None or control_mean is None else treatment_mean - control_mean
    relative_ci95 = None
    mde: dict = {"absolute": None, "relative": None}
    if len(treatment) > 1 and len(control) > 1:
        treatment_variance = float(treatment_array.var(ddof=1))
        control_variance = float(control_array.var(ddof=1))
        if treatment_mean > 0 and control_mean > 0:
            # Delta method on log(x̄_t / x̄_c), written out with numpy; statsmodels has no helper for it.
            log_ratio = math.log(treatment_mean / control_mean)
            half_width = stats.norm.isf(0.025) * math.sqrt(
                treatment_variance / (len(treatment) * treatment_mean**2)
                + control_variance / (len(control) * control_mean**2)
            )
            relative_ci95 = [math.exp(log_ratio - half_width) - 1, math.exp(log_ratio + half_width) - 1]
        mde_absolute = standardized_detectable_effect() * math.sqrt(
            treatment_variance / len(treatment) + control_variance / len(control)
        )
        mde = {"absolute": mde_absolute, "relative": None if control_mean == 0 else mde_absolute / control_mean}
    return {
        "treatment": {"n": len(treatment), "conversions": math.fsum(treatment), "rate": treatment_mean},
        "control": {"n": len(control), "conversions": math.fsum(control), "rate": control_mean},
        "uplift": {
            "absolute": absolute,
            "relative": relative_uplift(treatment_mean, control_mean),
            "ci95": ci95,
            "pValue": finite_or_none(p_value),
            "relativeCi95": relative_ci95,
            "incremental": incremental_reference(len(treatment), absolute, ci95),
            "minimumDetectableEffect": mde,
        },
    }


@contextlib.contextmanager
def edge_case_warnings_ignored() -> Iterator[None]:
    """Silence the RuntimeWarnings (0/0, division by zero) that the edge cases raise in numpy and scipy."""
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def hillstrom_reference(arms: dict[str, Arm], campaign: str, metric: str) -> dict:
    treatment = arms[CAMPAIGN_SEGMENTS[campaign]]
    control = arms[CONTROL_SEGMENT]
    if metric == "spend":
        report = spend_reference(treatment.spend, control.spend)
    else:
        treatment_values = getattr(treatment, metric)
        control_values = getattr(control, metric)
        report = binary_reference(
            sum(treatment_values), len(treatment_values), sum(control_values), len(control_values)
        )
    split = sample_ratio_reference(len(control.visit), len(treatment.visit), HILLSTROM_CONTROL_SHARE)
    return {"campaign": campaign, "metric": metric, **report, "sampleRatioMismatch": split}


# --- Comparison ------------------------------------------------------------------------


def reject_constant(name: str) -> None:
    raise ValueError(f"found {name}, but a report must not contain NaN or Infinity")


def parse_report_json(text: str, source: str) -> Any:
    try:
        return json.loads(text, parse_constant=reject_constant)
    except ValueError as error:
        excerpt = text.strip()[:300]
        raise InputError(f"{source}: invalid JSON ({error}). The output starts with: {excerpt!r}") from error


def run_wayline(command: list[str], campaign: str, metric: str, project_dir: Path, timeout: float) -> dict:
    """Run the Wayline CLI once from the project folder, with this process's environment."""
    arguments = [*command, "report", "uplift", "--campaign", campaign, "--metric", metric, "--json"]
    printable = shlex.join(arguments)
    try:
        completed = subprocess.run(
            arguments, cwd=project_dir, capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError as error:
        raise InputError(f"`{printable}` failed to start: {error}") from error
    except subprocess.TimeoutExpired as error:
        raise InputError(f"`{printable}` timed out after {timeout} s") from error
    if completed.returncode != 0:
        raise InputError(
            f"`{printable}` failed with exit status {completed.returncode}.\n"
            f"stderr:\n{completed.stderr.strip()}\nstdout:\n{completed.stdout.strip()}"
        )
    report = parse_report_json(completed.stdout, f"output of `{printable}`")
    if not isinstance(report, dict):
        raise InputError(f"output of `{printable}` is not a JSON object")
    return report


def load_wayline_json(path: Path) -> dict[tuple[str, str], dict]:
    """Read a JSON array of reports and index it by (campaign, metric)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read {path}: {error}") from error
    reports = parse_report_json(text, str(path))
    if not isinstance(reports, list):
        raise InputError(f"{path}: expected a JSON array of reports, found {type(reports).__name__}")
    indexed: dict[tuple[str, str], dict] = {}
    for position, report in enumerate(reports):
        if not isinstance(report, dict) or "campaign" not in report or "metric" not in report:
            raise InputError(f"{path}: item {position} is not a report object with campaign and metric")
        indexed[(report["campaign"], report["metric"])] = report
    return indexed


def field_values(report: dict) -> list[tuple[str, str, Any]]:
    """List (field group, label, value) for every compared value of a report."""
    uplift = report.get("uplift") or {}
    ci95 = uplift.get("ci95")
    if ci95 is not None and not (isinstance(ci95, list) and len(ci95) == 2):
        ci95 = ["<invalid>", "<invalid>"]
    values = []
    for arm in ("control", "treatment"):
        arm_values = report.get(arm) or {}
        for field in ("n", "conversions", "rate"):
            values.append((field, f"{arm}.{field}", arm_values.get(field, "<missing>")))
    for field in ("absolute", "relative"):
        values.append((field, f"uplift.{field}", uplift.get(field, "<missing>")))
    values.append(("ci95", "uplift.ci95[0]", None if ci95 is None else ci95[0]))
    values.append(("ci95", "uplift.ci95[1]", None if ci95 is None else ci95[1]))
    values.append(("pValue", "uplift.pValue", uplift.get("pValue", "<missing>")))
    values.extend(interval_values("relativeCi95", "uplift.relativeCi95", uplift.get("relativeCi95", "<missing>")))
    incremental = uplift.get("incremental") or {}
    values.append(("incremental", "uplift.incremental.value", incremental.get("value", "<missing>")))
    values.extend(interval_values("incremental", "uplift.incremental.ci95", incremental.get("ci95", "<missing>")))
    mde = uplift.get("minimumDetectableEffect") or {}
    values.append(("mde", "uplift.minimumDetectableEffect.absolute", mde.get("absolute", "<missing>")))
    values.append(("mde", "uplift.minimumDetectableEffect.relative", mde.get("relative", "<missing>")))
    split = report.get("sampleRatioMismatch") or {}
    values.append(("srm", "sampleRatioMismatch.chiSquare", split.get("chiSquare", "<missing>")))
    values.append(("srm", "sampleRatioMismatch.pValue", split.get("pValue", "<missing>")))
    values.append(("srm", "sampleRatioMismatch.flagged", split.get("flagged", "<missing>")))
    return values


def interval_values(field: str, label: str, interval: Any) -> list[tuple[str, str, Any]]:
    if interval is None:
        return [(field, f"{label}[0]", None), (field, f"{label}[1]", None)]
    if not (isinstance(interval, list) and len(interval) == 2):
        return [(field, f"{label}[0]", "<invalid>"), (field, f"{label}[1]", "<invalid>")]
    return [(field, f"{label}[0]", interval[0]), (field, f"{label}[1]", interval[1])]


def difference(expected: Any, actual: Any) -> Optional[float]:
    """Absolute difference of two numbers, 0.0 when both are null, None when they cannot be compared."""
    if expected is None and actual is None:
        return 0.0
    numeric = (int, float)
    if isinstance(expected, bool) and isinstance(actual, bool):
        return 0.0 if expected == actual else None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return None
    if isinstance(expected, numeric) and isinstance(actual, numeric):
        return abs(float(expected) - float(actual))
    return None


def format_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:.9g}"
    return str(value)


def compare(references: list[dict], wayline_reports: dict[tuple[str, str], dict]) -> bool:
    """Print the side-by-side table and the maximum difference per field. Return True when all agree."""
    max_difference = {field: 0.0 for field in COMPARED_FIELDS}
    mismatches = 0
    rows = []
    for reference in references:
        key = (reference["campaign"], reference["metric"])
        report = wayline_reports.get(key)
        if report is None:
            raise InputError(f"Wayline returned no report for campaign {key[0]}, metric {key[1]}")
        if report.get("metric") != reference["metric"] or report.get("campaign") != reference["campaign"]:
            raise InputError(
                f"asked for campaign {key[0]}, metric {key[1]}, but Wayline's report is for "
                f"campaign {report.get('campaign')!r}, metric {report.get('metric')!r}"
            )
        for (field, label, expected), (_, _, actual) in zip(field_values(reference), field_values(report)):
            gap = difference(expected, actual)
            agrees = gap is not None and gap <= TOLERANCE
            if gap is None:
                max_difference[field] = math.inf
            else:
                max_difference[field] = max(max_difference[field], gap)
            mismatches += 0 if agrees else 1
            rows.append(
                (
                    key[0],
                    key[1],
                    label,
                    format_value(expected),
                    format_value(actual),
                    "-" if gap is None else f"{gap:.2e}",
                    "ok" if agrees else "MISMATCH",
                )
            )

    header = ("campaign", "metric", "field", "statsmodels/scipy", "wayline", "|diff|", "")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())

    print("\nMaximum absolute difference per field (tolerance 5e-7, i.e. 6 decimals):")
    for field in COMPARED_FIELDS:
        gap = max_difference[field]
        formatted_gap = "not comparable (null against a number, or not a number)" if math.isinf(gap) else f"{gap:.3e}"
        print(f"  {field:<14}{formatted_gap}")

    total = len(rows)
    if mismatches:
        print(f"\nFAIL: {mismatches} of {total} values differ from statsmodels/scipy.")
        return False
    print(f"\nOK: all {total} values agree with statsmodels/scipy to 6 decimals.")
    return True


# --- Cases for the unit tests ----------------------------------------------------------

# Counts (successes, n) of treatment and control for the 0/1 edge cases.
BINARY_CASES = [
    ("both arms 0%", (0, 100), (0, 120)),
    ("both arms 100%", (80, 80), (50, 50)),
    ("control 0%", (5, 100), (0, 100)),
    ("treatment 0%", (0, 200), (7, 150)),
    ("empty control arm", (3, 10), (0, 0)),
    ("empty treatment arm", (0, 0), (3, 10)),
    ("one customer per arm", (1, 1), (0, 1)),
    ("small arms", (7, 23), (3, 19)),
    ("equal rates", (1000, 10000), (1000, 10000)),
    ("treatment below control", (120, 2500), (150, 2400)),
]

# Per-customer spend of treatment and control for the spend edge cases.
SPEND_CASES = [
    ("one customer in treatment", [5.0], [1.0, 2.0, 3.0]),
    ("one customer in control", [1.0, 2.0, 3.0, 4.0], [2.5]),
    ("empty control arm", [1.0, 2.0], []),
    ("constant arms with different means", [5.0, 5.0, 5.0], [1.0, 1.0]),
    ("constant arms with equal means", [5.0, 5.0], [5.0, 5.0, 5.0]),
    ("constant control arm", [1.0, 2.0, 7.5], [3.0, 3.0, 3.0]),
    ("control spend all zero", [0.0, 0.0, 12.5, 0.0, 3.0], [0.0, 0.0, 0.0, 0.0]),
    ("small skewed arms", [0.0, 0.0, 0.0, 49.99, 0.0, 120.5, 0.0, 0.0], [0.0, 0.0, 35.0, 0.0, 0.0, 0.0, 0.0]),
    ("two customers per arm", [10.0, 12.0], [3.0, 30.0]),
]

# (control n, treatment n, configured control share) for the sample-ratio-mismatch table:
# Hillstrom's Mens and Womens splits, a deliberately skewed split, a 10% holdout, tiny groups.
SAMPLE_RATIO_CASES = [
    (21306, 21307, 0.5),
    (21306, 21387, 0.5),
    (5300, 4700, 0.5),
    (1040, 8960, 0.1),
    (1500, 8500, 0.1),
    (1, 2, 0.5),
    (3, 0, 0.2),
]

# (successes, n) of treatment and control for the relative-interval and MDE tables.
RATIO_CASES = [
    ("Hillstrom Mens visits", (3894, 21307), (2262, 21306)),
    ("Hillstrom Womens conversions", (99, 21387), (61, 21306)),
    ("small arms", (7, 23), (3, 19)),
    ("every customer in both arms", (80, 80), (50, 50)),
    ("one success per arm", (1, 500), (1, 700)),
    ("treatment below control", (120, 2500), (150, 2400)),
]
MDE_CASES = [
    ("Hillstrom Mens conversions", (21307, 21306, 122)),
    ("control rate 0", (1000, 1000, 0)),
    ("control rate 50%", (400, 600, 300)),
    ("unequal arms", (90000, 10000, 1200)),
    ("tiny arms, nothing detectable", (2, 2, 2)),
]

# (successes, n) pairs for the Wilson interval table.
WILSON_CASES = [(0, 1), (1, 1), (0, 50), (50, 50), (3, 10), (17, 40), (2257, 21306)]

# Degrees of freedom for the t critical value table.
CRITICAL_VALUE_DFS = [1, 1.5, 5, 7.3, 38.90451449942807, 100, 1000, 42000.5]

# (t, df) pairs and z values for the p-value tables, out to p-values far below 1e-100.
T_P_VALUE_CASES = [(2.5, 3), (-2.1, 2.7), (1.0, 41000.2), (5.3, 39000.0), (-25.0, 42000.0)]
NORMAL_P_VALUE_CASES = [0.0, 1.959963984540054, -3.1, 7.5, 22.5, 37.0]


def ts_number(value: Optional[float]) -> str:
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


def ts_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def ts_interval(interval: Optional[list[float]]) -> str:
    return "null" if interval is None else f"[{ts_number(interval[0])}, {ts_number(interval[1])}]"


def ts_expected(report: dict) -> str:
    uplift = report["uplift"]
    arms = ", ".join(
        f"{arm}: {{ n: {report[arm]['n']}, conversions: {ts_number(report[arm]['conversions'])}, "
        f"rate: {ts_number(report[arm]['rate'])} }}"
        for arm in ("control", "treatment")
    )
    return (
        f"{arms}, absolute: {ts_number(uplift['absolute'])}, relative: {ts_number(uplift['relative'])}, "
        f"ci95: {ts_interval(uplift['ci95'])}, pValue: {ts_number(uplift['pValue'])}"
    )


def ts_sums(values: list[float]) -> str:
    """Exactly rounded n, Σx and Σx², as SQL with exact numeric sums would aggregate them."""
    return (
        f"{{ n: {len(values)}, sum: {ts_number(math.fsum(values))}, "
        f"sumOfSquares: {ts_number(math.fsum(value * value for value in values))} }}"
    )


def print_section(spec_file: str) -> None:
    import mpmath

    print(f"\n// ---- {spec_file} ----")
    print(
        f"// Generated by scripts/check-uplift-stats.py --print-cases with statsmodels {statsmodels.__version__},\n"
        f"// scipy {scipy.__version__} and mpmath {mpmath.__version__}. Regenerate rather than edit."
    )


def print_cases(arms: dict[str, Arm]) -> None:
    """Print the expected-value tables of the statistics unit tests as TypeScript, one section per spec file."""
    print_uplift_cases(arms)
    print_z_test_cases()
    print_welch_cases()
    print_wilson_cases()
    print_distribution_cases()
    print_sample_ratio_cases()
    print_ratio_interval_cases()
    print_minimum_detectable_effect_cases()


def print_uplift_cases(arms: dict[str, Arm]) -> None:
    print_section("uplift.spec.ts")
    print("const binaryCases: BinaryCase[] = [")
    for name, (treatment_count, treatment_n), (control_count, control_n) in BINARY_CASES:
        report = binary_reference(treatment_count, treatment_n, control_count, control_n)
        print(f"  {{ name: {ts_string(name)},")
        print(f"    treatment: {{ successes: {treatment_count}, n: {treatment_n} }},")
        print(f"    control: {{ successes: {control_count}, n: {control_n} }},")
        print(f"    expected: {{ {ts_expected(report)} }} }},")
    print("];\n")

    print("// Welch intervals use statsmodels' formula with a t quantile solved on scipy's t CDF,")
    print("// because scipy 1.10.1's t.ppf is off by up to 4e-9 relative error for df < 100.")
    print("const spendCases: SpendCase[] = [")
    for name, treatment, control in SPEND_CASES:
        report = spend_reference(treatment, control, precise_quantile=True)
        print(f"  {{ name: {ts_string(name)},")
        print(f"    treatment: {ts_sums(treatment)},")
        print(f"    control: {ts_sums(control)},")
        print(f"    expected: {{ {ts_expected(report)} }} }},")
    print("];\n")

    print("// Hillstrom e-mail experiment: each e-mail segment against No E-Mail.")
    print("const hillstromCases: HillstromCase[] = [")
    for campaign in CAMPAIGN_SEGMENTS:
        for metric in METRICS:
            report = hillstrom_reference(arms, campaign, metric)
            treatment = arms[CAMPAIGN_SEGMENTS[campaign]]
            control = arms[CONTROL_SEGMENT]
            print(f"  {{ campaign: {ts_string(campaign)},")
            if metric == "spend":
                print(f"    input: {{ metric: 'spend', treatment: {ts_sums(treatment.spend)},")
                print(f"      control: {ts_sums(control.spend)} }},")
            else:
                treatment_values = getattr(treatment, metric)
                control_values = getattr(control, metric)
                print(
                    f"    input: {{ metric: {ts_string(metric)}, "
                    f"treatment: {{ successes: {sum(treatment_values)}, n: {len(treatment_values)} }}, "
                    f"control: {{ successes: {sum(control_values)}, n: {len(control_values)} }} }},"
                )
            print(f"    expected: {{ {ts_expected(report)} }} }},")
    print("];")


def print_z_test_cases() -> None:
    print_section("two-proportion-z-test.spec.ts")
    print("// statsmodels' proportions_ztest([x_t, x_c], [n_t, n_c]): [x_t, n_t, x_c, n_c, z, p-value]")
    print("const zTestCases: [number, number, number, number, number, number][] = [")
    for _, (treatment_count, treatment_n), (control_count, control_n) in BINARY_CASES:
        with edge_case_warnings_ignored():
            z, p_value = proportions_ztest(
                np.array([treatment_count, control_count]), np.array([treatment_n, control_n])
            )
        if finite_or_none(z) is None:
            continue
        print(
            f"  [{treatment_count}, {treatment_n}, {control_count}, {control_n}, "
            f"{ts_number(float(z))}, {ts_number(float(p_value))}],"
        )
    print("];")


def print_welch_cases() -> None:
    print_section("welch.spec.ts")
    print("// scipy's ttest_ind(t, c, equal_var=False) and statsmodels' CompareMeans.dof_satt() on raw values,")
    print("// given here as n, mean and sample variance (ddof = 1).")
    print("const welchCases: WelchCase[] = [")
    for name, treatment, control in SPEND_CASES:
        if len(treatment) < 2 or len(control) < 2:
            continue
        treatment_array = np.asarray(treatment)
        control_array = np.asarray(control)
        if treatment_array.var() == 0 and control_array.var() == 0:
            continue
        with edge_case_warnings_ignored():
            result = stats.ttest_ind(treatment_array, control_array, equal_var=False)
        df = CompareMeans(DescrStatsW(treatment_array), DescrStatsW(control_array)).dof_satt()
        print(f"  {{ name: {ts_string(name)},")
        for arm, values in (("treatment", treatment_array), ("control", control_array)):
            print(
                f"    {arm}: {{ n: {len(values)}, mean: {ts_number(float(values.mean()))}, "
                f"variance: {ts_number(float(values.var(ddof=1)))} }},"
            )
        print(
            f"    t: {ts_number(float(result.statistic))}, df: {ts_number(float(df))}, "
            f"pValue: {ts_number(float(result.pvalue))} }},"
        )
    print("];")


def print_wilson_cases() -> None:
    print_section("wilson.spec.ts")
    print("// statsmodels' proportion_confint(successes, n, alpha=0.05, method='wilson')")
    print("const wilsonCases: WilsonCase[] = [")
    for successes, n in WILSON_CASES:
        low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
        print(f"  {{ successes: {successes}, n: {n}, expected: [{ts_number(low)}, {ts_number(high)}] }},")
    print("];")


def print_distribution_cases() -> None:
    """Print 95% critical values and tail probabilities computed by mpmath at 50 digits."""
    import mpmath

    print_section("distributions.spec.ts")
    mpmath.mp.dps = 50
    half = mpmath.mpf(1) / 2
    target = mpmath.mpf("0.025")

    print("// [df, two-sided 95% critical value of Student's t by mpmath]")
    print("const tCriticalValueCases: [number, number][] = [")
    for df in CRITICAL_VALUE_DFS:
        degrees = mpmath.mpf(df)

        def t_lower_tail(x: Any) -> Any:
            return mpmath.betainc(degrees / 2, half, 0, degrees / (degrees + x * x), regularized=True) / 2

        root = mpmath.findroot(lambda x: t_lower_tail(x) - target, stats.t.ppf(0.975, df))
        print(f"  [{ts_number(df)}, {ts_number(float(root))}],")
    print("];\n")

    print("// [t, df, two-sided p-value P(|T| >= |t|) by mpmath]")
    print("const tPValueCases: [number, number, number][] = [")
    for t, df in T_P_VALUE_CASES:
        degrees = mpmath.mpf(df)
        x = mpmath.mpf(t)
        p_value = mpmath.betainc(degrees / 2, half, 0, degrees / (degrees + x * x), regularized=True)
        print(f"  [{ts_number(t)}, {ts_number(df)}, {ts_number(float(p_value))}],")
    print("];\n")

    print("// [z, two-sided p-value P(|Z| >= |z|) = erfc(|z|/√2) by mpmath]")
    print("const normalPValueCases: [number, number][] = [")
    for z in NORMAL_P_VALUE_CASES:
        p_value = mpmath.erfc(abs(mpmath.mpf(z)) / mpmath.sqrt(2))
        print(f"  [{ts_number(z)}, {ts_number(float(p_value))}],")
    print("];")
    print(f"const normalCriticalValue95 = {ts_number(float(mpmath.sqrt(2) * mpmath.erfinv(mpmath.mpf('0.95'))))};")


def print_sample_ratio_cases() -> None:
    print_section("sample-ratio-mismatch.spec.ts")
    print("// scipy's chisquare([n_c, n_t], [N*s, N*(1 - s)]): [n_c, n_t, s, chi-square, p-value]")
    print("const sampleRatioCases: [number, number, number, number, number][] = [")
    for control_n, treatment_n, share in SAMPLE_RATIO_CASES:
        with edge_case_warnings_ignored():
            reference = sample_ratio_reference(control_n, treatment_n, share)
        if finite_or_none(reference["chiSquare"]) is None:
            continue
        print(
            f"  [{control_n}, {treatment_n}, {ts_number(share)}, "
            f"{ts_number(reference['chiSquare'])}, {ts_number(reference['pValue'])}],"
        )
    print("];")


def print_ratio_interval_cases() -> None:
    print_section("ratio-interval.spec.ts")
    print("// statsmodels' confint_proportions_2indep(x_t, n_t, x_c, n_c, method='log', compare='ratio') − 1")
    print("const ratioCases: RatioCase[] = [")
    for name, (treatment_count, treatment_n), (control_count, control_n) in RATIO_CASES:
        low, high = confint_proportions_2indep(
            treatment_count, treatment_n, control_count, control_n, method="log", compare="ratio"
        )
        print(
            f"  {{ name: {ts_string(name)}, treatment: {{ successes: {treatment_count}, n: {treatment_n} }}, "
            f"control: {{ successes: {control_count}, n: {control_n} }}, expected: [{ts_number(low - 1)}, {ts_number(high - 1)}] }},"
        )
    print("];\n")
    print("// Delta method on log(mean_t / mean_c) with numpy's sample variances and scipy's normal quantile.")
    print("const meanRatioCases: MeanRatioCase[] = [")
    for name, treatment, control in SPEND_CASES:
        interval = spend_reference(treatment, control)["uplift"]["relativeCi95"]
        if interval is None:
            continue
        print(f"  {{ name: {ts_string(name)}, treatment: {ts_sums(treatment)}, control: {ts_sums(control)}, expected: {ts_interval(interval)} }},")
    print("];")


def print_minimum_detectable_effect_cases() -> None:
    print_section("minimum-detectable-effect.spec.ts")
    print(f"// u with statsmodels' normal_power(u, 1, alpha={MDE_ALPHA}) = {MDE_POWER}, two-sided")
    print(f"const standardizedEffect = {ts_number(standardized_detectable_effect())};")
    print("// Cohen's h solves statsmodels' NormalIndPower().power(h, n_t, 0.05, ratio=n_c/n_t) = 0.8 (brentq);")
    print("// the rate difference is sin²(asin√p_c + h/2) − p_c. [n_t, n_c, x_c, absolute MDE or null]")
    print("const rateMdeCases: Array<[string, number, number, number, number | null]> = [")
    for name, (treatment_n, control_n, control_count) in MDE_CASES:
        reference = rate_mde_reference(treatment_n, control_n, control_count / control_n)
        print(
            f"  [{ts_string(name)}, {treatment_n}, {control_n}, {control_count}, {ts_number(reference['absolute'])}],"
        )
    print("];")


def simulate_sequential(seed: int = 20261204) -> int:
    """Estimate how often A/A tests look significant when analysts look every day.

    Each experiment has 30 daily looks with 200 new customers per arm and day and a true
    conversion rate of 5% in both arms. A look rejects when the fixed-sample z-test gives
    p < 0.05 (naive peeking), or when 0 is outside the mSPRT always-valid interval
    (mixture scale 0.1, α = 0.05, the formula of mixtureSequentialLook written again here
    with numpy). Returns 1 when the always-valid rate exceeds 5% by more than its
    simulation error.
    """
    experiments, days, per_day, rate, alpha, scale = 4000, 30, 200, 0.05, 0.05, 0.1
    generator = np.random.default_rng(seed)
    treatment = generator.binomial(per_day, rate, size=(experiments, days)).cumsum(axis=1)
    control = generator.binomial(per_day, rate, size=(experiments, days)).cumsum(axis=1)
    n = per_day * np.arange(1, days + 1)
    with edge_case_warnings_ignored():
        treatment_rate, control_rate = treatment / n, control / n
        estimate = treatment_rate - control_rate
        pooled = (treatment + control) / (2 * n)
        z = estimate / np.sqrt(pooled * (1 - pooled) * 2 / n)
        naive = 2 * stats.norm.sf(np.abs(z)) < alpha
        variance = treatment_rate * (1 - treatment_rate) / n + control_rate * (1 - control_rate) / n
        ratio = scale**2 * n / 2
        half_width = np.sqrt(variance * (1 + ratio) / ratio * (2 * math.log(1 / alpha) + np.log1p(ratio)))
        sequential = np.abs(estimate) > half_width
    naive_rate = naive.any(axis=1).mean()
    sequential_rate = sequential.any(axis=1).mean()
    single_look_rate = naive[:, -1].mean()
    error = math.sqrt(alpha * (1 - alpha) / experiments)
    print(f"A/A simulation: {experiments} experiments, {days} daily looks, {per_day} customers per arm and day, rate {rate}")
    print(f"  fixed-sample z-test, last look only:  {single_look_rate:.4f} false positives")
    print(f"  fixed-sample z-test, every day:       {naive_rate:.4f} false positives")
    print(f"  always-valid mSPRT interval, every day: {sequential_rate:.4f} false positives (target at most {alpha})")
    return 0 if sequential_rate <= alpha + 3 * error else 1


# --- Command line ----------------------------------------------------------------------


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Compare Wayline's uplift reports for the Hillstrom experiment with statsmodels and scipy."
    )
    parser.add_argument("data", type=Path, help="path of hillstrom.csv")
    parser.add_argument(
        "--wayline-cmd",
        default="npm run --silent wayline --",
        help="command that runs the Wayline CLI, split like a shell would (default: %(default)s)",
    )
    parser.add_argument(
        "--wayline-json",
        type=Path,
        help="read the six reports from this JSON array instead of running the CLI",
    )
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=PROJECT_DIR,
        help="folder to run the CLI in (default: the folder above scripts/, %(default)s)",
    )
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="maximum seconds for each CLI run (default: %(default)s)"
    )
    parser.add_argument(
        "--simulate-sequential",
        action="store_true",
        help="run the A/A simulation of daily looks with and without the always-valid interval, then exit",
    )
    parser.add_argument(
        "--print-cases",
        action="store_true",
        help="print the expected-value tables of the unit tests as TypeScript and exit",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    arguments = parse_arguments(argv)
    if arguments.simulate_sequential:
        return simulate_sequential()
    try:
        arms = read_hillstrom(arguments.data)
        if arguments.print_cases:
            print_cases(arms)
            return 0

        references = [
            hillstrom_reference(arms, campaign, metric) for campaign in CAMPAIGN_SEGMENTS for metric in METRICS
        ]
        if arguments.wayline_json is not None:
            wayline_reports = load_wayline_json(arguments.wayline_json)
        else:
            command = shlex.split(arguments.wayline_cmd)
            wayline_reports = {
                (reference["campaign"], reference["metric"]): run_wayline(
                    command, reference["campaign"], reference["metric"], arguments.project_dir, arguments.timeout
                )
                for reference in references
            }
        return 0 if compare(references, wayline_reports) else 1
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
