#!/bin/sh
# The scipy peer of ParetoNbdFitBenchmarks and BgNbdFitBenchmarks on CDNOW: prints ms per fit (median of repeats).
# Needs python3 with numpy and scipy (Debian: apt-get install -y python3-scipy). Run from the repository root:
#   benchmarks/peers/retention_scipy.sh [path/to/cdnow_customers_summary.csv] [--repeats N]
set -eu
here=$(dirname "$0")
python=${PYTHON:-/usr/bin/python3}
[ -x "$python" ] || python=python3
if ! "$python" -c 'import numpy, scipy' 2>/dev/null; then
    echo "retention_scipy: $python lacks numpy/scipy (Debian: apt-get install -y python3-scipy)" >&2
    exit 2
fi
exec "$python" "$here/retention_scipy.py" "$@"
