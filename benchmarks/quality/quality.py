#!/usr/bin/python3
"""Quality harness: csscoring's churn trainer against the usual learners under one cross-validation protocol.

Every learner sees the same folds: this script draws K-fold stratified (grouped where the data has accounts)
assignments for R repeats, writes them as columns of a copy of each file, and passes them to `csscoring train`
with --fold-column, so the trainer cross-validates on exactly the folds the others use. The other learners are
scikit-learn's logistic regression (median imputation, one-hot categoricals, standard scaling),
HistGradientBoostingClassifier and XGBoost (median imputation, one-hot categoricals), default settings.
Writes a Markdown table of AUC, PR-AUC, Brier, lift at 10% (mean and sd over the K x R folds) and wall time.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
import sklearn
import xgboost
from xgboost import XGBClassifier


class DataSet:
    def __init__(self, name, path, label, positive, group=None, drop=()):
        self.name, self.path, self.label, self.positive = name, path, label, positive
        self.group, self.drop = group, list(drop)


def bench_sets(bench_dir):
    """The files listed in the bench folder's PROVENANCE.md table (file, rows, outcome column, positive class)."""
    provenance = os.path.join(bench_dir, "PROVENANCE.md")
    if not os.path.exists(provenance):
        sys.exit(f"no PROVENANCE.md in {bench_dir}: pass --bench-dir")
    row = re.compile(r"^\|\s*`([^`]+\.csv)`\s*\|[^|]*\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|")
    sets = []
    with open(provenance, encoding="utf-8") as text:
        for line in text:
            match = row.match(line)
            if match:
                file, label, positive = match.groups()
                sets.append(DataSet(file[:-4], os.path.join(bench_dir, file), label, positive))
    return sets


def lift_at(p, y, share=0.10):
    """The positive rate in the top share by probability over the base rate; ties in index order (as csscoring)."""
    n = len(p)
    top = max(1, int(np.ceil(share * n)))
    order = np.argsort(-p, kind="stable")
    return y[order[:top]].mean() / y.mean()


def metrics(p, y):
    return {"auc": roc_auc_score(y, p), "pr_auc": average_precision_score(y, p),
            "brier": brier_score_loss(y, p), "lift_at_10": lift_at(p, y)}


def fold_columns(data, y, groups, folds, repeats, seed):
    columns = {}
    for r in range(repeats):
        if groups is None:
            splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed + r)
            splits = splitter.split(np.zeros(len(y)), y)
        else:
            splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed + r)
            splits = splitter.split(np.zeros(len(y)), y, groups)
        assignment = np.empty(len(y), dtype=int)
        for f, (_, test) in enumerate(splits):
            assignment[test] = f
        columns[f"cv_fold_{r + 1}"] = assignment
    return columns


def learners(seed):
    def pre(scale, numeric, categorical):
        steps = [("impute", SimpleImputer(strategy="median"))] + ([("scale", StandardScaler())] if scale else [])
        return ColumnTransformer([
            ("numeric", Pipeline(steps), numeric),
            ("categorical", Pipeline([("impute", SimpleImputer(strategy="constant", fill_value="(missing)")),
                                      ("onehot", OneHotEncoder(handle_unknown="ignore"))]), categorical),
        ], sparse_threshold=0)

    return {
        "logistic regression (scaled)": lambda n, c: Pipeline([("pre", pre(True, n, c)), ("model", LogisticRegression(max_iter=5000))]),
        "HistGradientBoosting": lambda n, c: Pipeline([("pre", pre(False, n, c)), ("model", HistGradientBoostingClassifier(random_state=seed))]),
        "XGBoost": lambda n, c: Pipeline([("pre", pre(False, n, c)), ("model", XGBClassifier(random_state=seed, eval_metric="logloss", n_jobs=1))]),
    }


def run_other(make, x, y, folds, numeric, categorical):
    per_fold = []
    started = time.perf_counter()
    for assignment in folds.values():
        for f in np.unique(assignment):
            test = assignment == f
            model = make(numeric, categorical).fit(x[~test], y[~test])
            per_fold.append(metrics(model.predict_proba(x[test])[:, 1], y[test]))
    seconds = time.perf_counter() - started
    return summarize(per_fold), seconds


def summarize(per_fold):
    keys = per_fold[0].keys()
    return {k: (float(np.mean([m[k] for m in per_fold])), float(np.std([m[k] for m in per_fold], ddof=1))) for k in keys}


def run_ours(console, data_set, frame_path, fold_names, trainer, extra, work):
    out = os.path.join(work, f"model-{data_set.name}-{trainer}")
    command = console + ["train", "--data", frame_path, "--label", data_set.label, "--positive", data_set.positive,
                         "--trainer", trainer, "--out", out, "--force", "--json", "--seed", "42", "--parallelism", "1"]
    for name in fold_names:
        command += ["--fold-column", name]
    if data_set.group:
        command += ["--id", data_set.group]
    for column in data_set.drop:
        command += ["--exclude", column]
    command += extra
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"csscoring train failed on {data_set.name} ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    with open(os.path.join(out, "metrics.json"), encoding="utf-8") as text:
        document = json.load(text)
    cv = document["cv"]
    chosen = document["trainer"]
    figures = {k: (cv[k]["mean"], cv[k]["sd"]) for k in ("auc", "pr_auc", "brier", "lift_at_10")}
    return figures, seconds, chosen, document


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench-dir", default=os.path.join(root, "..", "shared", "data", "churn-bench"))
    parser.add_argument("--no-sample", action="store_true", help="leave out data/sample/accounts.csv")
    parser.add_argument("--data", action="append", default=[], metavar="NAME=PATH:LABEL:POSITIVE[:ID]",
                        help="an extra data set (repeatable); e.g. a large generated file for a scale run")
    parser.add_argument("--only", action="append", default=[], help="run only these data set names")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--time-runs", type=int, default=3,
                        help="run every learner's whole cross-validation this many times; wall time is the mean and sd of those runs")
    parser.add_argument("--scale", action="store_true",
                        help="only the scale comparison: one fixed-configuration fit on generated rows, wall time and peak memory (see scale.py)")
    parser.add_argument("--scale-rows", type=int, default=1_000_000)
    parser.add_argument("--scale-trees", type=int, default=100)
    parser.add_argument("--scale-leaves", type=int, default=31)
    parser.add_argument("--scale-out", help="where --scale writes its table (default benchmarks/results/quality-scale.md)")
    parser.add_argument("--trainer-args", default="", help="extra arguments for csscoring train (e.g. '--budget 5')")
    parser.add_argument("--console", default=os.path.join(root, "src", "CsScoring.Training", "bin", "Release", "net10.0", "CsScoring.Training"))
    parser.add_argument("--out", default=os.path.join(root, "benchmarks", "results", "quality.md"))
    parser.add_argument("--json", help="also write every figure as JSON here")
    parser.add_argument("--notes", help="a Markdown file appended to the results (the conditions of the run, what is left to do)")
    parser.add_argument("--from-json", nargs="+", metavar="FILE", help="write the table from earlier --json files (no training)")
    args = parser.parse_args()
    if args.scale:
        sys.path.insert(0, here)
        import scale
        scale.main(args, root)
        return
    if args.from_json:
        results = []
        for path in args.from_json:
            with open(path, encoding="utf-8") as text:
                results += json.load(text)
        write_markdown(args, results)
        return

    sets = bench_sets(args.bench_dir)
    if not args.no_sample:
        sets.append(DataSet("sample", os.path.join(root, "data", "sample", "accounts.csv"), "churned_within_90d", "1",
                            group="account_id", drop=["as_of", "renewal_date"]))
    for spec in args.data:
        name, rest = spec.split("=", 1)
        parts = rest.split(":")
        sets.append(DataSet(name, parts[0], parts[1], parts[2], group=parts[3] if len(parts) > 3 else None))
    if args.only:
        sets = [s for s in sets if s.name in args.only]

    console = [args.console]
    extra = args.trainer_args.split()
    results = []
    with tempfile.TemporaryDirectory(prefix="csscoring-quality-") as work:
        for data_set in sets:
            frame = pd.read_csv(data_set.path, na_values=["NA", ""], keep_default_na=True)
            frame = frame[frame[data_set.label].notna()].reset_index(drop=True)
            labels = frame[data_set.label]
            if pd.api.types.is_numeric_dtype(labels):
                y = (labels.astype(float) == float(data_set.positive)).to_numpy(dtype=int)
            else:
                y = (labels.astype(str).str.strip().str.lower() == data_set.positive.lower()).to_numpy(dtype=int)
            groups = frame[data_set.group].to_numpy() if data_set.group else None
            folds = fold_columns(frame, y, groups, args.folds, args.repeats, args.seed)
            x = frame.drop(columns=[data_set.label] + data_set.drop + ([data_set.group] if data_set.group else []))
            categorical = [c for c in x.columns if x[c].dtype == object]
            numeric = [c for c in x.columns if c not in categorical]
            # The copy keeps every cell's text as the file has it (pandas would write integer labels as 1.0).
            raw = pd.read_csv(data_set.path, dtype=str, keep_default_na=False)
            raw = raw[raw[data_set.label].str.strip().isin(["", "NA"]) == False].reset_index(drop=True)
            with_folds = raw.assign(**folds)
            frame_path = os.path.join(work, f"{data_set.name}.csv")
            with_folds.to_csv(frame_path, index=False)
            print(f"{data_set.name}: {len(y)} rows, {y.sum()} positive, {len(numeric)} numeric and {len(categorical)} categorical columns", flush=True)

            rows = []
            # Every learner's whole cross-validation --time-runs times: the figures of each run are the same (fixed
            # seeds), the wall times are not, so they are reported as a mean and sd over the runs.
            for name, make in learners(args.seed).items():
                seconds = []
                for _ in range(args.time_runs):
                    figures, elapsed = run_other(make, x, y, folds, numeric, categorical)
                    seconds.append(elapsed)
                rows.append({"learner": name, "figures": figures, "seconds": seconds})
                print(f"  {name}: auc {figures['auc'][0]:.4f} brier {figures['brier'][0]:.4f} ({describe_seconds(seconds)} s)", flush=True)
            for trainer in ("logistic", "auto"):
                seconds = []
                for _ in range(args.time_runs):
                    figures, elapsed, chosen, document = run_ours(console, data_set, frame_path, list(folds), trainer, extra, work)
                    seconds.append(elapsed)
                label = f"csscoring --trainer {trainer}" + (f" (chose {describe(document)})" if trainer == "auto" else "")
                rows.append({"learner": label, "figures": figures, "seconds": seconds, "ours": trainer})
                print(f"  {label}: auc {figures['auc'][0]:.4f} brier {figures['brier'][0]:.4f} ({describe_seconds(seconds)} s)", flush=True)
            results.append({"data": data_set.name, "rows": len(y), "positives": int(y.sum()), "learners": rows})

    write_markdown(args, results)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as text:
            json.dump(results, text, indent=2)


def seconds_of(row):
    """The wall times of a row's runs (a single number in files written before timing runs were repeated)."""
    value = row["seconds"]
    return value if isinstance(value, list) else [value]


def describe_seconds(seconds):
    mean = float(np.mean(seconds))
    return f"{mean:.1f} ± {float(np.std(seconds, ddof=1)):.1f}" if len(seconds) > 1 else f"{mean:.1f}"


def describe(document):
    h = document.get("hyperparameters", {})
    if document["trainer"] == "logistic_regression":
        return f"logistic_regression, l2 {h.get('l2_regularization')}"
    if document["trainer"] == "blend":
        linear = next((k.split(".")[0] for k in h if k.endswith(".l2_regularization")), "linear")
        tree = next((k.split(".")[0] for k in h if k.endswith(".number_of_trees")), "trees")
        return (f"blend of {linear} (l2 {h.get(linear + '.l2_regularization')}) and {tree} "
                f"({h.get(tree + '.number_of_trees', 0):.0f} trees, {h.get(tree + '.number_of_leaves', 0):.0f} leaves)")
    return f"{document['trainer']}, {h.get('number_of_trees'):.0f} trees, {h.get('number_of_leaves'):.0f} leaves"


def write_markdown(args, results):
    load = os.getloadavg()
    lines = [
        "# Churn trainer quality against the usual learners",
        "",
        f"Produced by `benchmarks/quality/run.sh`: {args.folds}-fold stratified cross-validation repeated {args.repeats} times "
        f"(grouped by account on the sample), the same fold assignment for every learner (csscoring reads it with `--fold-column`). "
        "Figures are the mean and the standard deviation over the "
        f"{args.folds * args.repeats} test folds; csscoring's are of its calibrated probabilities (cross-fitted calibration), "
        "the others' of their own probabilities. Wall time, as the mean ± sd over repeated runs (`--time-runs`): the whole cross-validation of each other learner "
        "(fits and predictions, one thread: OMP_NUM_THREADS=1, XGBoost n_jobs=1); for csscoring, also with one thread (--parallelism 1), the whole `train` command (search, calibration, "
        "holdout check, refit, explanations, ONNX export and parity proofs, report).",
        "",
        f"scikit-learn {sklearn.__version__}, XGBoost {xgboost.__version__}, {os.cpu_count()} cores; "
        f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min): the machine was shared, so times are indicative.",
        "",
    ]
    for result in results:
        lines += [f"## {result['data']} ({result['rows']} rows, {result['positives']} positive)", "",
                  "| learner | AUC | PR-AUC | Brier | lift at 10% | wall time (s), mean ± sd |", "|---|---|---|---|---|---:|"]
        others = [r for r in result["learners"] if "ours" not in r]
        for row in result["learners"]:
            f = row["figures"]
            cells = [f"{f[k][0]:.4f} ± {f[k][1]:.4f}" for k in ("auc", "pr_auc", "brier", "lift_at_10")]
            lines.append(f"| {row['learner']} | " + " | ".join(cells) + f" | {describe_seconds(seconds_of(row))} |")
        best_auc = max(others, key=lambda r: r["figures"]["auc"][0])
        best_brier = min(r["figures"]["brier"][0] for r in others)
        auto = next(r for r in result["learners"] if r.get("ours") == "auto")
        combined = sum(float(np.mean(seconds_of(r))) for r in others)
        auto_seconds = float(np.mean(seconds_of(auto)))
        gap = auto["figures"]["auc"][0] - best_auc["figures"]["auc"][0]
        verdict = "ahead" if gap > 0.002 else "tied (within 0.002)" if gap >= -0.002 else "behind"
        lines += ["",
                  f"Best other learner by AUC: {best_auc['learner']} ({best_auc['figures']['auc'][0]:.4f}); "
                  f"csscoring auto {auto['figures']['auc'][0]:.4f}: {gap:+.4f}, {verdict}. "
                  f"Brier: csscoring {auto['figures']['brier'][0]:.4f} against the best other {best_brier:.4f} "
                  f"({'no worse' if auto['figures']['brier'][0] <= best_brier + 1e-4 else 'worse'}). "
                  f"Time (means over {len(seconds_of(auto))} runs): csscoring auto {auto_seconds:.1f} s against {combined:.1f} s for the three others together "
                  f"(ratio {auto_seconds / combined:.2f}).", ""]
    lines += ["Training at scale (one million generated rows, one fixed configuration, wall time and peak memory against "
              "XGBoost `hist` and HistGradientBoosting): `quality-scale.md`, written by `benchmarks/quality/run.sh --scale`.", ""]
    if args.notes and os.path.exists(args.notes):
        with open(args.notes, encoding="utf-8") as text:
            lines += [text.read().rstrip(), ""]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as text:
        text.write("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
