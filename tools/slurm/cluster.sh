#!/usr/bin/env bash
# A real single-node SLURM cluster (Debian 12: slurmctld, slurmd, slurm-client, munge) for running
# the distributed-build recipe of docs/distributed.md on this machine and in CI. No systemd needed.
#
#   tools/slurm/cluster.sh up      install (root + apt) if missing, start munged/slurmctld/slurmd; idempotent
#   tools/slurm/cluster.sh status  what runs, by the PIDs this script recorded; exit 0 only if jobs can run
#   tools/slurm/cluster.sh down    stop only the daemons `up` started, by PID
#
# `up` prints one final line `cluster: started` or `cluster: already running` (a cluster this script
# did not start, e.g. a site's own, counts as running and is left alone), so a caller knows whether
# it owns the cluster and should bring it down. Facts and pitfalls: shared/reference/slurm-single-node.md.
set -euo pipefail

STATE_DIR=${DUALXDA_SLURM_STATE:-/run/dualxda-slurm}
CONF=/etc/slurm/slurm.conf
MARK='# written by dualxda tools/slurm/cluster.sh'
PACKAGES=(slurmctld slurmd slurm-client munge)
DAEMONS=(munged slurmctld slurmd)
# Client commands hang for many seconds against a dead daemon: bound every one of them.
T='timeout 10'

log() { printf '%s\n' "cluster: $*" >&2; }
die() { log "$*"; exit 1; }

# Alive = /proc entry exists, not a zombie, and still the program we started (PIDs get reused).
# `kill -0` is not enough here: stopped daemons linger as zombies when PID 1 does not reap them.
alive() {
  local pid=$1 name=$2 status
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  status=$(cat "/proc/$pid/status" 2>/dev/null) || return 1
  grep -q "^Name:[[:space:]]*$name\$" <<<"$status" || return 1
  ! grep -q '^State:[[:space:]]*[ZX]' <<<"$status"
}

recorded_pid() { cat "$STATE_DIR/$1.pid" 2>/dev/null || true; }
ours_alive() { alive "$(recorded_pid "$1")" "$1"; }

host() { hostname -s; }

node_state() { $T sinfo -h -n "$(host)" -o %T 2>/dev/null | head -n1 || true; }

# Jobs can run: the controller answers and the node is usable.
ready() {
  $T scontrol ping >/dev/null 2>&1 || return 1
  case "$(node_state)" in idle* | mixed* | allocated* | completing*) return 0 ;; *) return 1 ;; esac
}

install_packages() {
  local missing=()
  command -v slurmctld >/dev/null || missing+=(slurmctld)
  command -v slurmd >/dev/null || missing+=(slurmd)
  command -v sbatch >/dev/null || missing+=(slurm-client)
  command -v munged >/dev/null || missing+=(munge)
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    die "missing ${missing[*]}; as root on Debian 12 run: apt-get install -y --no-install-recommends ${PACKAGES[*]} && $0 up"
  fi
  log "installing ${missing[*]} with apt-get (root): apt-get install -y --no-install-recommends ${PACKAGES[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null; }
}

write_conf() {
  if [[ -f $CONF ]] && ! grep -qF "$MARK" "$CONF"; then
    die "$CONF exists and was not written by this script; start that cluster yourself or move the file away"
  fi
  local h cpus mem
  h=$(host)
  cpus=$(slurmd -C | sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' | head -n1)
  mem=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -n1)
  # Declare a little less memory than slurmd measures, or it drains the node as "Low RealMemory".
  mem=$((mem * 9 / 10))
  install -d -m 755 /etc/slurm
  cat >"$CONF.tmp" <<EOF
$MARK (single-node CI cluster; safe to delete when it is down)
ClusterName=ci
SlurmctldHost=$h(127.0.0.1)
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# Without batch_sched_delay=0 pending array tasks start only every ~3 s.
SchedulerParameters=batch_sched_delay=0
SlurmUser=slurm
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ReturnToService=2
# scancel: SIGKILL 2 s after SIGTERM instead of 30 s.
KillWait=2
NodeName=$h NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
# OverSubscribe: up to 4 jobs per CPU, so the tasks of a small array run at once on a 2-core runner.
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF
  mv "$CONF.tmp" "$CONF"
}

# Start a daemon in the foreground mode, detached into its own session, and record its PID
# ourselves: the PID file is what `down` trusts, so it never stops a daemon it did not start.
start_daemon() {
  local name=$1
  shift
  setsid "$@" </dev/null >>"$STATE_DIR/$name.log" 2>&1 &
  echo $! >"$STATE_DIR/$name.pid"
  local _
  for _ in $(seq 1 20); do
    sleep 0.1
    ours_alive "$name" && return 0
  done
  die "$name did not start; see $STATE_DIR/$name.log"
}

up() {
  if ready; then
    if ours_alive slurmctld && ours_alive slurmd; then log "already running (started by $0; PIDs in $STATE_DIR)"; else log "already running (not started by this script; left alone)"; fi
    echo 'cluster: already running'
    return 0
  fi
  for d in "${DAEMONS[@]}"; do
    if ours_alive "$d"; then die "$d (PID $(recorded_pid "$d")) runs but the cluster is not ready; run: $0 down && $0 up"; fi
  done
  [[ $(id -u) -eq 0 ]] || { install_packages; die "starting the daemons needs root: sudo $0 up"; }
  install_packages
  install -d -m 755 "$STATE_DIR"

  install -d -o munge -g munge -m 755 /run/munge
  if [[ ! -s /etc/munge/munge.key ]]; then
    log 'creating /etc/munge/munge.key'
    (umask 077 && dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none)
    chown munge:munge /etc/munge/munge.key
  fi
  if ! $T munge -n 2>/dev/null | $T unmunge >/dev/null 2>&1; then
    # setpriv execs (runuser would fork and leave its own PID in the file).
    start_daemon munged setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged --foreground --force
    local _
    for _ in $(seq 1 50); do $T munge -n 2>/dev/null | $T unmunge >/dev/null 2>&1 && break; sleep 0.1; done
    $T munge -n | $T unmunge >/dev/null || die "munge does not work; see $STATE_DIR/munged.log"
  fi

  write_conf
  install -d -m 755 /run/slurm /var/spool/slurmd
  install -d -o slurm -g slurm -m 755 /var/spool/slurmctld /var/log/slurm
  start_daemon slurmctld slurmctld -D
  start_daemon slurmd slurmd -D
  local _ state
  for _ in $(seq 1 100); do
    ready && break
    state=$(node_state)
    # A node recovered from an old state file can come back down/drained: it is ours, resume it.
    case "$state" in down* | drain*) $T scontrol update nodename="$(host)" state=resume >/dev/null 2>&1 || true ;; esac
    sleep 0.2
  done
  ready || die "cluster did not become ready (node state: '$(node_state)'); logs in $STATE_DIR and /var/log/slurm"
  log "up: node $(host), $(grep -o 'CPUs=[0-9]*' "$CONF"), partition debug; PIDs in $STATE_DIR"
  echo 'cluster: started'
}

stop_pid() {
  local name=$1 pid
  pid=$(recorded_pid "$name")
  [[ -n $pid ]] || return 0
  if alive "$pid" "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    local _
    for _ in $(seq 1 50); do alive "$pid" "$name" || break; sleep 0.1; done
    if alive "$pid" "$name"; then
      log "$name (PID $pid) ignored SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name (PID $pid)"
  fi
  rm -f "$STATE_DIR/$name.pid"
}

down() {
  local d any=0
  for d in "${DAEMONS[@]}"; do [[ -f $STATE_DIR/$d.pid ]] && any=1; done
  if ((any == 0)); then
    log "nothing to stop (no PID files in $STATE_DIR)"
    return 0
  fi
  [[ $(id -u) -eq 0 ]] || die "stopping the daemons needs root: sudo $0 down"
  # Reverse start order: the node first, munge (which the others authenticate with) last.
  stop_pid slurmd
  stop_pid slurmctld
  stop_pid munged
}

status() {
  local d pid
  for d in "${DAEMONS[@]}"; do
    pid=$(recorded_pid "$d")
    if [[ -z $pid ]]; then echo "$d: not started by this script"
    elif alive "$pid" "$d"; then echo "$d: running (PID $pid)"
    else echo "$d: dead (PID $pid)"; fi
  done
  if ready; then echo "cluster: ready (node $(host) $(node_state))"; else echo 'cluster: not ready'; return 1; fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
