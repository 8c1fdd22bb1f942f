#!/usr/bin/python3
"""Compare Wayline's uplift model with scikit-learn on the Hillstrom e-mail experiment.

The script takes each e-mail (Womens E-Mail, Mens E-Mail) against the No E-Mail group,
for the outcomes visit and conversion. It splits the rows in half and trains on one half.
On the other half it reports the Qini coefficient and the uplift in the top 30% by
predicted uplift, for:

  wayline      Wayline's T-learner (`wayline model evaluate-hillstrom FILE --seed N --json`)
  sk-tlearner  a T-learner: LogisticRegression on treated rows minus one on control rows
  sk-ct        class transformation with LogisticRegression: z = y for treated rows and
               1 - y for control rows, uplift = 2 P(z = 1) - 1 (valid because the two
               groups are the same size)
  sk-ct-gb     the same class transformation with HistGradientBoostingClassifier

The split is a rule that Wayline implements identically: data row i (0-based, header
excluded) is a training row when the first byte of SHA-256("<seed>:<i>") is below 128.
Both sides use the same features: recency, history, mens, womens and newbie as numbers,
one-hot history_segment, zip_code and channel, each column standardized on the training
half; LogisticRegression uses its default L2 penalty (C = 1), which equals Wayline's
penalty of 1 on standardized features.

Metrics, implemented here with numpy and in Wayline in TypeScript:
  Qini coefficient  area between the Qini curve Q(k) = Y_t(k) - Y_c(k) N_t(k) / N_c(k) and
                    the random line, divided by the same area for the perfect ranking
                    (rows with tied predictions form one step; trapezoidal rule)
  uplift@30%        among the top ceil(0.3 n) rows by predicted uplift, the treated
                    response rate minus the control response rate

It needs Debian's interpreter with `apt-get install -y python3-sklearn` (written against
scikit-learn 1.2.1 and numpy 1.24.2, Debian 12).

Usage:
  scripts/evaluate-uplift-hillstrom.py PATH/hillstrom.csv [--seed N] [--json]
      Runs `npm run --silent wayline -- model evaluate-hillstrom PATH --seed N --json`
      from the project folder and prints the side-by-side table.
  scripts/evaluate-uplift-hillstrom.py PATH/hillstrom.csv --wayline-json results.json
      Reads Wayline's results from a file instead of running the CLI.
  scripts/evaluate-uplift-hillstrom.py --print-metric-cases
      Prints the expected values of libs/decisioning/src/uplift/uplift-metrics.spec.ts.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

PROJECT_DIR = Path(__file__).resolve().parent.parent
CONTROL_SEGMENT = "No E-Mail"
CAMPAIGNS = {"womens": "Womens E-Mail", "mens": "Mens E-Mail"}
OUTCOMES = ("visit", "conversion")
NUMERIC = ("recency", "history", "mens", "womens", "newbie")
CATEGORICAL = ("history_segment", "zip_code", "channel")
TOP_SHARE = 0.3


def is_training_row(seed: int, index: int) -> bool:
    return hashlib.sha256(f"{seed}:{index}".encode()).digest()[0] < 128


def rank_by_uplift(uplift: np.ndarray) -> np.ndarray:
    # A stable sort of the negated values keeps tied rows in input order, as Wayline does.
    return np.argsort(-uplift, kind="stable")


def qini_curve(y: np.ndarray, uplift: np.ndarray, treated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = rank_by_uplift(uplift)
    y, uplift, treated = y[order], uplift[order], treated[order]
    ends = np.r_[np.nonzero(np.diff(uplift))[0], len(uplift) - 1]
    n_t = np.cumsum(treated)[ends]
    n_c = (ends + 1) - n_t
    y_t = np.cumsum(y * treated)[ends]
    y_c = np.cumsum(y * (1 - treated))[ends]
    scaled = np.divide(y_c * n_t, n_c, out=np.zeros(len(ends)), where=n_c > 0)
    return np.r_[0, ends + 1].astype(float), np.r_[0.0, y_t - scaled]


def qini_coefficient(y: np.ndarray, uplift: np.ndarray, treated: np.ndarray) -> float | None:
    if treated.sum() in (0, len(treated)):
        return None
    x, q = qini_curve(y, uplift, treated)
    x_best, q_best = qini_curve(y, np.where(treated == 1, y, -y).astype(float), treated)
    random_area = len(y) * q[-1] / 2
    best_gain = np.trapz(q_best, x_best) - random_area
    if best_gain <= 0:
        return None
    return float((np.trapz(q, x) - random_area) / best_gain)


def uplift_at_k(y: np.ndarray, uplift: np.ndarray, treated: np.ndarray, k: float = TOP_SHARE) -> float | None:
    top = rank_by_uplift(uplift)[: math.ceil(k * len(y) - 1e-9)]
    y_top, t_top = y[top], treated[top]
    if t_top.sum() in (0, len(t_top)):
        return None
    return float(y_top[t_top == 1].mean() - y_top[t_top == 0].mean())


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def design_matrix(rows: list[dict[str, str]], levels: dict[str, list[str]]) -> np.ndarray:
    columns = [[float(row[name]) for row in rows] for name in NUMERIC]
    for name in CATEGORICAL:
        for level in levels[name]:
            columns.append([1.0 if row[name] == level else 0.0 for row in rows])
    return np.array(columns).T


def standardize(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = train.mean(axis=0)
    scale = train.std(axis=0)
    scale[scale < 1e-12] = 1.0
    return (train - mean) / scale, (test - mean) / scale


def logistic() -> LogisticRegression:
    return LogisticRegression(C=1.0, max_iter=2000)


def evaluate(rows: list[dict[str, str]], seed: int) -> list[dict]:
    results = []
    for campaign, segment in CAMPAIGNS.items():
        indexed = [(i, row) for i, row in enumerate(rows) if row["segment"] in (segment, CONTROL_SEGMENT)]
        train_rows = [row for i, row in indexed if is_training_row(seed, i)]
        test_rows = [row for i, row in indexed if not is_training_row(seed, i)]
        levels = {name: sorted({row[name] for row in train_rows}) for name in CATEGORICAL}
        x_train, x_test = standardize(design_matrix(train_rows, levels), design_matrix(test_rows, levels))
        t_train = np.array([row["segment"] == segment for row in train_rows], dtype=int)
        t_test = np.array([row["segment"] == segment for row in test_rows], dtype=int)
        for outcome in OUTCOMES:
            y_train = np.array([int(row[outcome]) for row in train_rows])
            y_test = np.array([int(row[outcome]) for row in test_rows])

            treated_model = logistic().fit(x_train[t_train == 1], y_train[t_train == 1])
            control_model = logistic().fit(x_train[t_train == 0], y_train[t_train == 0])
            t_learner = treated_model.predict_proba(x_test)[:, 1] - control_model.predict_proba(x_test)[:, 1]

            z_train = np.where(t_train == 1, y_train, 1 - y_train)
            class_transformation = 2 * logistic().fit(x_train, z_train).predict_proba(x_test)[:, 1] - 1
            boosted = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.05, random_state=seed)
            class_transformation_gb = 2 * boosted.fit(x_train, z_train).predict_proba(x_test)[:, 1] - 1

            results.append({
                "campaign": campaign,
                "outcome": outcome,
                "trainingRows": len(train_rows),
                "validationRows": len(test_rows),
                "models": {
                    name: {"qini": qini_coefficient(y_test, uplift, t_test), "upliftAt30": uplift_at_k(y_test, uplift, t_test)}
                    for name, uplift in (
                        ("sk-tlearner", t_learner),
                        ("sk-ct", class_transformation),
                        ("sk-ct-gb", class_transformation_gb),
                    )
                },
            })
    return results


def wayline_results(csv_path: Path, seed: int, json_path: Path | None) -> list[dict]:
    if json_path is not None:
        return json.loads(json_path.read_text())
    command = ["npm", "run", "--silent", "wayline", "--", "model", "evaluate-hillstrom", str(csv_path), "--seed", str(seed), "--json"]
    completed = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.exit(f"evaluate-uplift-hillstrom: {' '.join(command)} failed:\n{completed.stderr}")
    return json.loads(completed.stdout)


def print_metric_cases() -> None:
    cases = {
        "by hand": ([0.9, 0.7, 0.5, 0.3, 0.1, -0.2], [1, 0, 1, 1, 0, 0], [1, 0, 1, 0, 1, 0]),
        "ties": ([0.4, 0.4, 0.1, 0.1, 0.4, -0.3, 0.1, 0.0], [1, 0, 0, 1, 1, 0, 1, 0], [1, 0, 1, 0, 1, 0, 0, 1]),
    }
    rng = np.random.default_rng(11)
    treated = rng.integers(0, 2, 60)
    score = np.round(rng.normal(0, 1, 60), 3)
    label = (rng.uniform(0, 1, 60) < 0.3 + 0.2 * treated * (score > 0)).astype(int)
    cases["60 random rows"] = (score.tolist(), label.tolist(), treated.tolist())
    for name, (uplift, y, t) in cases.items():
        uplift_array, y_array, t_array = np.array(uplift, dtype=float), np.array(y), np.array(t)
        x, q = qini_curve(y_array, uplift_array, t_array)
        print(f"{name}: uplift={uplift} labels={y} treated={t}")
        print(f"  curve targeted={x.astype(int).tolist()} incremental={q.tolist()}")
        print(f"  qini={qini_coefficient(y_array, uplift_array, t_array)!r}")
        for k in (0.3, 0.5):
            print(f"  uplift@{k}={uplift_at_k(y_array, uplift_array, t_array, k)!r}")


def format_metric(value: float | None) -> str:
    return "n/a" if value is None else f"{value:8.4f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--wayline-json", type=Path)
    parser.add_argument("--json", action="store_true", help="print the table as JSON")
    parser.add_argument("--print-metric-cases", action="store_true")
    args = parser.parse_args()

    if args.print_metric_cases:
        print_metric_cases()
        return 0
    if args.csv is None or not args.csv.is_file():
        parser.error("the path of hillstrom.csv is required and must exist")

    results = evaluate(read_rows(args.csv), args.seed)
    wayline = {(entry["campaign"], entry["outcome"]): entry for entry in wayline_results(args.csv, args.seed, args.wayline_json)}
    for entry in results:
        theirs = wayline.get((entry["campaign"], entry["outcome"]))
        if theirs is None:
            sys.exit(f"evaluate-uplift-hillstrom: Wayline's output has no {entry['campaign']}/{entry['outcome']} entry")
        if theirs["validationRows"] != entry["validationRows"]:
            sys.exit(f"evaluate-uplift-hillstrom: the splits differ: Wayline validated on {theirs['validationRows']} rows, this script on {entry['validationRows']}")
        entry["models"] = {"wayline": {"qini": theirs["qini"], "upliftAt30": theirs["upliftAt30"]}, **entry["models"]}

    if args.json:
        print(json.dumps({"seed": args.seed, "sklearn": sklearn.__version__, "numpy": np.__version__, "results": results}, indent=2))
        return 0
    names = list(results[0]["models"])
    print(f"Hillstrom, seed {args.seed}; scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    print(f"{'e-mail':8} {'outcome':10} {'rows':>6} " + " ".join(f"{name + ' qini':>16} {name + ' u@30':>16}" for name in names))
    for entry in results:
        cells = " ".join(f"{format_metric(entry['models'][name]['qini']):>16} {format_metric(entry['models'][name]['upliftAt30']):>16}" for name in names)
        print(f"{entry['campaign']:8} {entry['outcome']:10} {entry['validationRows']:>6} {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
