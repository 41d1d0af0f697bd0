#!/usr/bin/env bash
# Quality harness: csscoring train against logistic regression, HistGradientBoosting and XGBoost on the churn
# bench files and the sample, same 5x5 stratified cross-validation folds for all; writes benchmarks/results/quality.md.
# Usage: benchmarks/quality/run.sh [--only NAME] [--bench-dir DIR] [--data NAME=PATH:LABEL:POSITIVE[:ID]] [--trainer-args '...'] [--time-runs N]
#        benchmarks/quality/run.sh --scale [--scale-rows 1000000] [--scale-trees 100] [--scale-leaves 31]
#          (training time and peak memory on generated rows, csscoring against XGBoost hist and HistGradientBoosting;
#          writes benchmarks/results/quality-scale.md)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
python=/usr/bin/python3
if ! "$python" -c "import sklearn, xgboost, pandas" 2>/dev/null; then
  echo "installing Debian's python3-sklearn, python3-xgboost and python3-pandas" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-sklearn python3-xgboost python3-pandas >/dev/null
fi
if [[ "${QUALITY_NO_BUILD:-}" != 1 ]]; then
  dotnet build src/CsScoring.Training -c Release -nologo -v quiet >&2
fi
# One thread per learner, csscoring included (--parallelism 1 below): equal footing for the wall times, and OpenMP
# threads that spin on a busy machine made HistGradientBoosting hundreds of times slower.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec "$python" benchmarks/quality/quality.py "$@"
