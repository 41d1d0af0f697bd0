#!/usr/bin/python3
"""Scale comparison: training time and peak memory on generated rows, one fixed configuration, no search.

`run.sh --scale` generates N rows (default one million) with 16 numeric columns (some cells blank) and 4 text
categories and a label drawn from a non-linear log-odds, writes them as one CSV, and trains on it:

- csscoring: `train --trainer lightgbm --trees T --leaves L --learning-rate 0.1 --min-leaf 20 --folds 2 --repeats 1
  --no-refit --parallelism 1`: the whole command (CSV parse, 2-fold CV on the 75% training split, the holdout model,
  calibration, explanations, artifacts);
- XGBoost (`tree_method="hist"`, `grow_policy="lossguide"`, `max_leaves=L`, `max_depth=0`) and scikit-learn's
  HistGradientBoostingClassifier (`max_leaf_nodes=L`, no early stopping), both with T trees, learning rate 0.1 and
  at least 20 rows per leaf, doing the same fits: the CSV read with pandas, one-hot categories and median imputation,
  2-fold CV on the same 75% training split and the model on that split scored on the 25% holdout.

Then csscoring's `train` with its defaults (the folds and negative sample chosen by the file's size, and the refit on
every row), on every core, as a user would run it.

Each learner runs in its own process: wall time, and peak memory (max RSS) from the resource usage wait4 reports for it.
Every learner of the same-fits comparison is single-threaded (OMP_NUM_THREADS=1, XGBoost n_jobs=1, csscoring
--parallelism 1).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

LEARNING_RATE = 0.1
MIN_LEAF = 20


def generate(path, rows, seed):
    """Rows shaped like a churn export; the label depends on interactions and thresholds as well as linear terms."""
    import pandas as pd
    random = np.random.default_rng(seed)
    columns = {}
    for j in range(16):
        values = random.normal(size=rows) * (1000 if j % 4 == 0 else 1)
        columns[f"x{j}"] = values
    plan = random.choice(["basic", "team", "business", "enterprise"], size=rows, p=[0.4, 0.3, 0.2, 0.1])
    region = random.choice(["emea", "amer", "apac"], size=rows)
    channel = random.choice(["direct", "partner", "self_serve", "marketplace", "other"], size=rows)
    industry = random.choice([f"industry_{k}" for k in range(8)], size=rows)
    logit = (-2.5 + 0.8 * columns["x1"] - 0.6 * columns["x2"] + 0.0004 * columns["x0"]
             + 0.7 * (columns["x3"] > 0.5) * columns["x5"] + 0.5 * np.abs(columns["x6"]) - 0.4 * columns["x7"] ** 2 / 2
             + np.where(plan == "basic", 0.6, 0.0) - np.where(channel == "partner", 0.4, 0.0)
             + 0.3 * np.sin(columns["x9"] * 2))
    label = np.where(random.random(rows) < 1 / (1 + np.exp(-logit)), "Yes", "No")
    frame = pd.DataFrame(columns)
    for j in (2, 10, 13):
        frame.loc[random.random(rows) < 0.03, f"x{j}"] = np.nan
    frame["plan"], frame["region"], frame["channel"], frame["industry"] = plan, region, channel, industry
    frame["churned"] = label
    frame.to_csv(path, index=False, float_format="%.6g")


def peer(path, learner, trees, leaves, seed):
    """One peer's fits (run in its own process): the same split and folds as csscoring's fixed configuration."""
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, train_test_split
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder
    from xgboost import XGBClassifier

    frame = pd.read_csv(path)
    y = (frame.pop("churned") == "Yes").to_numpy(dtype=int)
    categorical = [c for c in frame.columns if frame[c].dtype == object]
    numeric = [c for c in frame.columns if c not in categorical]

    def make():
        pre = ColumnTransformer([("numeric", SimpleImputer(strategy="median"), numeric),
                                 ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical)], sparse_threshold=0)
        if learner == "xgboost":
            model = XGBClassifier(n_estimators=trees, max_leaves=leaves, max_depth=0, grow_policy="lossguide",
                                  tree_method="hist", learning_rate=LEARNING_RATE, min_child_weight=MIN_LEAF * 0.05,
                                  n_jobs=1, random_state=seed, eval_metric="logloss")
        else:
            model = HistGradientBoostingClassifier(max_iter=trees, max_leaf_nodes=leaves, learning_rate=LEARNING_RATE,
                                                   min_samples_leaf=MIN_LEAF, early_stopping=False, random_state=seed)
        return Pipeline([("pre", pre), ("model", model)])

    train, holdout = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y, random_state=seed)
    cv_auc = []
    for fit, test in StratifiedKFold(2, shuffle=True, random_state=seed).split(train, y[train]):
        model = make().fit(frame.iloc[train[fit]], y[train[fit]])
        cv_auc.append(roc_auc_score(y[train[test]], model.predict_proba(frame.iloc[train[test]])[:, 1]))
    model = make().fit(frame.iloc[train], y[train])
    auc = roc_auc_score(y[holdout], model.predict_proba(frame.iloc[holdout])[:, 1])
    print(json.dumps({"cv_auc": float(np.mean(cv_auc)), "holdout_auc": float(auc)}))


def timed(command, env=None):
    """Runs a command; returns (wall seconds, peak RSS in MB, stdout). The peak comes from the child's own resource
    usage as wait4 reports it (what GNU time -v prints), so no external tool is needed."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} ... failed ({process.returncode}):\n{stdout[-4000:]}\n{stderr[-4000:]}")
    # ru_maxrss is in kilobytes on Linux.
    return seconds, usage.ru_maxrss / 1024, stdout


def main(args, root):
    rows, trees, leaves = args.scale_rows, args.scale_trees, args.scale_leaves
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, OMP_NUM_THREADS="1")
    results = []
    with tempfile.TemporaryDirectory(prefix="csscoring-scale-") as work:
        data = os.path.join(work, "scale.csv")
        started = time.perf_counter()
        generate(data, rows, args.seed)
        size_mb = os.path.getsize(data) / 1e6
        print(f"generated {rows:,} rows ({size_mb:.0f} MB) in {time.perf_counter() - started:.0f} s", flush=True)

        out = os.path.join(work, "model")
        command = [args.console, "train", "--data", data, "--label", "churned", "--positive", "Yes", "--trainer", "lightgbm",
                   "--trees", str(trees), "--leaves", str(leaves), "--learning-rate", str(LEARNING_RATE), "--min-leaf", str(MIN_LEAF),
                   "--folds", "2", "--repeats", "1", "--no-refit", "--parallelism", "1", "--seed", str(args.seed),
                   "--out", out, "--force", "--json", "-q"]
        seconds, rss, _ = timed(command, env)
        with open(os.path.join(out, "metrics.json"), encoding="utf-8") as text:
            document = json.load(text)
        results.append(("csscoring train --trainer lightgbm --folds 2 --no-refit (the same fits)", seconds, rss, document["cv"]["auc"]["mean"], document["validation"]["auc"]))
        print(f"  csscoring: {seconds:.0f} s, {rss:.0f} MB", flush=True)

        # train with its defaults: the folds and negative sample the file's size calls for, then the refit on every row.
        defaults = [args.console, "train", "--data", data, "--label", "churned", "--positive", "Yes", "--seed", str(args.seed),
                    "--out", out, "--force", "--json", "-q"]
        seconds, rss, stdout = timed(defaults, env)
        with open(os.path.join(out, "metrics.json"), encoding="utf-8") as text:
            document = json.load(text)
        folds = json.loads(stdout)["cv"]["folds"]
        results.append((f"csscoring train, defaults ({folds} folds + refit, 2 cores)", seconds, rss, document["cv"]["auc"]["mean"], document["validation"]["auc"]))
        print(f"  csscoring defaults: {seconds:.0f} s, {rss:.0f} MB", flush=True)
        for learner, label in (("xgboost", "XGBoost (hist, lossguide)"), ("hgb", "HistGradientBoosting")):
            seconds, rss, stdout = timed([sys.executable, os.path.join(here, "scale.py"), "--peer", learner, data,
                                          str(trees), str(leaves), str(args.seed)], env)
            figures = json.loads(stdout.strip().splitlines()[-1])
            results.append((label, seconds, rss, figures["cv_auc"], figures["holdout_auc"]))
            print(f"  {label}: {seconds:.0f} s, {rss:.0f} MB", flush=True)

    load = os.getloadavg()
    lines = [
        "# Training at scale: csscoring against XGBoost and HistGradientBoosting",
        "",
        f"Produced by `benchmarks/quality/run.sh --scale` (`--scale-rows {rows}`, `--scale-trees {trees}`, `--scale-leaves {leaves}`): "
        f"{rows:,} generated rows ({size_mb:.0f} MB of CSV: 16 numeric columns with some blank cells, 4 text categories, "
        "a Yes/No label from a non-linear log-odds; `benchmarks/quality/scale.py`). One fixed configuration, no search: "
        f"{trees} trees of at most {leaves} leaves, learning rate {LEARNING_RATE}, at least {MIN_LEAF} rows per leaf, one thread each. "
        "Every learner does the same fits: 2-fold CV on a 75% training split and the model on that split scored on the "
        "25% holdout. csscoring's figure is its whole `train` command (`--trainer lightgbm --folds 2 --repeats 1 --no-refit`: "
        "CSV parse and profiling, the fits, calibration, permutation importance, SHAP, ONNX export and parity proof, "
        "artifacts); the others' include reading the CSV with pandas, one-hot encoding and median imputation. "
        "Wall time and peak memory of each learner's process (max RSS from wait4, as GNU time reports it). "
        "The defaults row is `train` with nothing but the data, label and output: 200 trees of 8 leaves, learning rate "
        "0.05, at least 50 rows per leaf, the folds and negative sample chosen by the file's size, cross-validation on "
        "the training split and again on every row for the refit, on both cores; the ratio column is against XGBoost.",
        "",
        f"Load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min), {os.cpu_count()} cores: "
        "on a shared machine the wall times are indicative; memory is not load-dependent.",
        "",
        "| learner | wall time (s) | x XGBoost | peak memory (MB) | CV AUC | holdout AUC |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    xgboost_seconds = next(seconds for label, seconds, *_ in results if label.startswith("XGBoost"))
    for label, seconds, rss, cv_auc, holdout_auc in results:
        lines.append(f"| {label} | {seconds:.1f} | {seconds / xgboost_seconds:.2f} | {rss:.0f} | {cv_auc:.4f} | {holdout_auc:.4f} |")
    lines.append("")
    out = args.scale_out or os.path.join(root, "benchmarks", "results", "quality-scale.md")
    with open(out, "w", encoding="utf-8") as text:
        text.write("\n".join(lines))
    print(f"wrote {out}")


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--peer":
    _, _, learner, path, trees, leaves, seed = sys.argv
    peer(path, learner, int(trees), int(leaves), int(seed))
