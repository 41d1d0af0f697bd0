#!/usr/bin/python3
"""The scipy peer of the Pareto/NBD and BG/NBD fit benchmarks.

Fits the same log-likelihoods as ParetoNbdModel.Fit and BgNbdModel.Fit (vectorised numpy, scipy.special.hyp2f1,
gammaln) with scipy.optimize.minimize(method="BFGS") over log-parameters from the same starting points, the way
lifetimes and most Python CLV code fit them (gradient by finite differences), and prints the parameters, the
log-likelihood and the median wall time of one fit over the repeats.

Usage: retention_scipy.py [summary.csv] [--repeats N]
The CSV has columns ID, x (frequency), t_x (recency), T (age) in weeks, as cdnow_customers_summary*.csv.
"""
import argparse
import csv
import statistics
import time

import numpy as np
import scipy
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1, logsumexp


def read_summary(path):
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    x = np.array([float(r[1]) for r in rows])
    t_x = np.array([float(r[2]) for r in rows])
    age = np.array([float(r[3]) for r in rows])
    return x, t_x, age


def pareto_nbd_negative_ll(log_params, x, t_x, age):
    r, alpha, s, beta = np.exp(log_params)
    if alpha < beta:
        m, b = beta, r + x
    else:
        m, b = alpha, s + 1.0
    diff = abs(alpha - beta)
    a = r + s + x
    # log A0 = log[2F1(.., z1)/(m+t_x)^a - 2F1(.., z2)/(m+T)^a], z = |alpha-beta|/(m+t)
    f1 = hyp2f1(a, b, a + 1.0, diff / (m + t_x))
    f2 = hyp2f1(a, b, a + 1.0, diff / (m + age))
    q1 = m + t_x
    q2 = m + age
    sign = np.ones_like(x)
    log_a0 = logsumexp([np.log(f1) + a * np.log(q2), np.log(f2) + a * np.log(q1)], axis=0, b=[sign, -sign]) - a * np.log(q1 * q2)
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + age) - s * np.log(beta + age)
    died = np.log(s) + log_a0 - np.log(a)
    return -np.sum(head + np.logaddexp(alive, died))


def bg_nbd_negative_ll(log_params, x, t_x, age):
    r, alpha, a, b = np.exp(log_params)
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    betas = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    alive = -(r + x) * np.log(alpha + age)
    repeat = x > 0
    died = np.full_like(x, -np.inf)
    died[repeat] = np.log(a) - np.log(b + x[repeat] - 1) - (r + x[repeat]) * np.log(alpha + t_x[repeat])
    return -np.sum(head + betas + np.logaddexp(alive, died))


def starting_points(x, age):
    mean_rate = max(x.sum(), 1.0) / max(age.sum(), 1e-9)
    mean_age = max(age.mean(), 1e-9)
    return (np.log([1.0, 1.0 / mean_rate, 1.0, mean_age]), np.log([1.0, 1.0 / mean_rate, 1.0, 1.0]))


def fit(name, objective, start, data, repeats):
    times = []
    result = None
    for _ in range(repeats):
        began = time.perf_counter()
        result = minimize(objective, start, args=data, method="BFGS")
        times.append((time.perf_counter() - began) * 1000.0)
    params = ", ".join(f"{v:.6g}" for v in np.exp(result.x))
    print(f"{name}: {statistics.median(times):.2f} ms per fit (median of {repeats}; min {min(times):.2f}); "
          f"params ({params}); log-likelihood {-result.fun:.6f}; {result.nit} iterations, {result.nfev} evaluations")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("summary", nargs="?", default="../shared/data/clv/cdnow_customers_summary.csv")
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()
    x, t_x, age = read_summary(args.summary)
    print(f"{len(x)} customers from {args.summary}; numpy {np.__version__}, scipy {scipy.__version__}")
    pareto_start, bg_start = starting_points(x, age)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        fit("Pareto/NBD", pareto_nbd_negative_ll, pareto_start, (x, t_x, age), args.repeats)
        fit("BG/NBD", bg_nbd_negative_ll, bg_start, (x, t_x, age), args.repeats)


if __name__ == "__main__":
    main()
