#!/usr/bin/env bash
# Benchmark: mde-preflight's fanotify scan against mde_installer.sh's own detection pipeline
# (reference/linux.md section 1.1: `find /proc/*/fdinfo/ -type f -print0 | xargs -r0 grep -Fl
# "fanotify mnt_id"`), run side by side on the same machine with the same extra processes, and
# reported as a ratio of medians: machines are noisy, absolute times are not the result.
#
#   tests/bench/fanotify_scan_bench.sh BINARY [PROCESSES] [FDS_PER_PROCESS] [ROUNDS]
#
# Starts PROCESSES sleeping processes holding FDS_PER_PROCESS open files each (all local, all
# ended at exit), runs each contender ROUNDS times alternately, prints both medians and the ratio.
set -euo pipefail

binary=${1:?usage: $0 BINARY [PROCESSES] [FDS_PER_PROCESS] [ROUNDS]}
processes=${2:-1000}
fds=${3:-20}
rounds=${4:-7}

work=$(mktemp -d)
pids=()
cleanup() {
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# One sleeper: opens $fds descriptors on a scratch file, then sleeps until killed.
cat > "$work/sleeper.sh" <<'SLEEPER'
#!/bin/bash
for ((i = 3; i < 3 + $1; i++)); do eval "exec $i<\"$2\""; done
exec sleep 3600
SLEEPER
chmod +x "$work/sleeper.sh"
touch "$work/file"
for ((p = 0; p < processes; p++)); do
  "$work/sleeper.sh" "$fds" "$work/file" &
  pids+=($!)
done
sleep 1

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

ours=()
theirs=()
for ((r = 0; r < rounds; r++)); do
  t0=$(now_ms)
  "$binary" check --only linux.fanotify --format json --offline >/dev/null || true
  t1=$(now_ms)
  find /proc/*/fdinfo/ -type f -print0 2>/dev/null | xargs -r0 grep -Fl "fanotify mnt_id" \
    >/dev/null 2>&1 || true
  t2=$(now_ms)
  ours+=($((t1 - t0)))
  theirs+=($((t2 - t1)))
done

ours_median=$(printf '%s\n' "${ours[@]}" | median)
theirs_median=$(printf '%s\n' "${theirs[@]}" | median)
total=$(ls -d /proc/[0-9]* | wc -l)
echo "processes on the machine: $total (of which $processes sleepers with $fds extra fds each)"
echo "mde-preflight linux.fanotify (whole agent run): median ${ours_median} ms over $rounds rounds"
echo "mde_installer.sh find|xargs grep stage:        median ${theirs_median} ms over $rounds rounds"
awk -v a="$theirs_median" -v b="$ours_median" \
  'BEGIN { if (b > 0) printf "ratio installer / mde-preflight: %.1fx\n", a / b }'
