#!/usr/bin/env bash
# The whole distributed pipeline as four SLURM jobs chained with afterok dependencies:
# N cache shards (one array job) -> cache finalize -> fit -> explain.
#
#   tools/slurm/submit.sh MODEL DATA STORE N TEST OUT.jsonl [explain options]
#
# Prints `build=JID finalize=JID fit=JID explain=JID`. Job logs go to the current directory
# (%x-%A_%a.out, %x-%j.out). --kill-on-invalid-dep: if a step fails, the steps after it are
# cancelled instead of pending forever. Paths are resolved in the jobs' working directory (this one).
set -euo pipefail
if [[ $# -lt 6 ]]; then
  echo "usage: $0 MODEL DATA STORE N TEST OUT.jsonl [explain options]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
model=$1 data=$2 store=$3 n=$4 test=$5 out=$6
shift 6
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "$0: N must be a positive integer, got '$n'" >&2; exit 2; }
after() { echo "--dependency=afterok:$1 --kill-on-invalid-dep=yes"; }
build=$(sbatch --parsable --array="0-$((n - 1))" "$here/build.sbatch" "$model" "$data" "$store")
# shellcheck disable=SC2046 # two options on purpose
finalize=$(sbatch --parsable $(after "$build") "$here/finalize.sbatch" "$store")
# shellcheck disable=SC2046
fit=$(sbatch --parsable $(after "$finalize") "$here/fit.sbatch" "$store")
# shellcheck disable=SC2046
explain=$(sbatch --parsable $(after "$fit") "$here/explain.sbatch" "$store" "$test" "$out" "$@")
echo "build=$build finalize=$finalize fit=$fit explain=$explain"
