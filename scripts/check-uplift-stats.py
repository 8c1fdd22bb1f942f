#!/usr/bin/python3
"""Check Wayline's uplift reports for the Hillstrom e-mail experiment against statsmodels and scipy.

The script computes six reports from the raw CSV: campaigns hillstrom-mens (Mens E-Mail
against No E-Mail) and hillstrom-womens (Womens E-Mail against No E-Mail), each for the
metrics visit, conversion and spend. Spend is per customer, with customers who spent
nothing counted as 0. It then compares them with Wayline's reports, field by field, to 6
decimals and exits with status 1 on any mismatch.

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
COMPARED_FIELDS = ("n", "conversions", "rate", "absolute", "relative", "ci95", "pValue")


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
    return {
        "treatment": {"n": treatment_n, "conversions": treatment_count, "rate": treatment_rate},
        "control": {"n": control_n, "conversions": control_count, "rate": control_rate},
        "uplift": {
            "absolute": absolute,
            "relative": relative_uplift(treatment_rate, control_rate),
            "ci95": ci95,
            "pValue": finite_or_none(p_value),
        },
    }


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
    return {
        "treatment": {"n": len(treatment), "conversions": math.fsum(treatment), "rate": treatment_mean},
        "control": {"n": len(control), "conversions": math.fsum(control), "rate": control_mean},
        "uplift": {
            "absolute": absolute,
            "relative": relative_uplift(treatment_mean, control_mean),
            "ci95": ci95,
            "pValue": finite_or_none(p_value),
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
    return {"campaign": campaign, "metric": metric, **report}


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
    return values


def difference(expected: Any, actual: Any) -> Optional[float]:
    """Absolute difference of two numbers, 0.0 when both are null, None when they cannot be compared."""
    if expected is None and actual is None:
        return 0.0
    numeric = (int, float)
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
        print(f"  {field:<12}{formatted_gap}")

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
        "--print-cases",
        action="store_true",
        help="print the expected-value tables of the unit tests as TypeScript and exit",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    arguments = parse_arguments(argv)
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
