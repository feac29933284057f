#!/usr/bin/env bash
# `npm test`'s pretest: the Debian packages the test suite needs (dashboard e2e in Chromium,
# solver parity against liblinear-train, numpy and torch references, the ONNX export recipe (python3-onnx), the SLURM recipe on a real cluster).
# Installs the missing ones when it can (root + apt-get), saying so; otherwise stops at once with
# the one command to run. DUALXDA_SKIP_SYSTEM_DEPS=1 skips the check (not the tests that need them).
set -euo pipefail
[ "${DUALXDA_SKIP_SYSTEM_DEPS:-0}" = 1 ] && exit 0

missing=()
need() { # need PACKAGE CHECK...
  local pkg=$1
  shift
  "$@" >/dev/null 2>&1 || missing+=("$pkg")
}
need chromium test -x /usr/bin/chromium
need liblinear-tools command -v liblinear-train
need python3-numpy /usr/bin/python3 -c 'import numpy'
need python3-torch /usr/bin/python3 -c 'import torch'
need python3-onnx /usr/bin/python3 -c 'import onnx'
need slurmctld command -v slurmctld
need slurmd command -v slurmd
need slurm-client command -v sbatch
need munge command -v munged

[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "npm test: installing missing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine may have no package lists yet: update once, only if the first try fails.
  if ! $cmd >/dev/null 2>&1; then
    apt-get update -qq && $cmd >/dev/null
  fi
  exit 0
fi
echo "npm test needs Debian packages that are not installed: ${missing[*]}" >&2
echo "run: sudo $cmd" >&2
exit 1
