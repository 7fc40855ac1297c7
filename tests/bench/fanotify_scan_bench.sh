#!/usr/bin/env bash
# Benchmark of the fanotify scan on a busy host, every contender side by side in one run and
# timed as a whole process (start-up included), on the same machine with the same processes:
#   agent-proc  mde-preflight check --only linux.fanotify, /proc path (MDE_PREFLIGHT_FANOTIFY_SCAN=proc)
#   agent-bpf   the same, in-kernel BPF task-file iterator path (when the binary has it)
#   installer   mde_installer.sh's detection written by us (reference/linux.md §1.1):
#               find /proc/*/fdinfo/ -type f -print0 | xargs -r0 grep -Fl "fanotify mnt_id"
#   floor       proc_fd_floor: one thread lists each /proc/<pid>/fd and readlinkat()s every entry
# and, once per size, `check --offline` (every check) against the scan alone, and peak RSS.
#
#   tests/bench/fanotify_scan_bench.sh BUILD_DIR [SIZES] [FDS_PER_PROCESS] [ROUNDS]
#     SIZES: processes per step, e.g. "1000 5000 10000 20000" (the default)
#
# Each step starts fanotify_bench_load (SIZES[i] sleepers holding FDS_PER_PROCESS descriptors
# each) plus four real fanotify holders (notify class + mount mark, content class + permission
# inode mark, content class without marks, notify class + filesystem mark), runs every contender
# ROUNDS times in rotation, and prints medians and ratios as a Markdown table. Everything it
# starts is killed on exit (the sleepers also die with their parent and by their own alarm).
set -euo pipefail

build=${1:?usage: $0 BUILD_DIR [SIZES] [FDS_PER_PROCESS] [ROUNDS]}
sizes=${2:-1000 5000 10000 20000}
fds=${3:-20}
rounds=${4:-5}
agent=$build/agent/mde-preflight
load=$build/tests/fanotify_bench_load
floor=$build/tests/proc_fd_floor
holder=$build/tests/fanotify_holder
for tool in "$agent" "$load" "$floor" "$holder"; do
  [ -x "$tool" ] || { echo "missing $tool (build it first)" >&2; exit 2; }
done

work=$(mktemp -d)
load_pid=
holder_pids=()
stop_step() {
  [ -n "$load_pid" ] && { exec {load_in}>&- 2>/dev/null || true; kill "$load_pid" 2>/dev/null || true
                          wait "$load_pid" 2>/dev/null || true; }
  load_pid=
  [ ${#holder_pids[@]} -gt 0 ] && { kill "${holder_pids[@]}" 2>/dev/null || true
                                    wait "${holder_pids[@]}" 2>/dev/null || true; }
  holder_pids=()
}
trap 'stop_step; rm -rf "$work"' EXIT

# Room for the sleepers: descriptors per process, and pids for all of them.
ulimit -n $((fds + 1024)) 2>/dev/null || true
max_size=$(printf '%s\n' $sizes | sort -n | tail -1)
if [ "$(cat /proc/sys/kernel/pid_max)" -lt $((max_size * 2 + 4096)) ]; then
  echo $((max_size * 2 + 4096)) > /proc/sys/kernel/pid_max || true
fi

# The holders run until their stdin reaches EOF: a FIFO this script keeps open for writing.
mkfifo "$work/hold"
exec {hold}<>"$work/hold"
start_holder() {
  exec {out}< <(exec "$holder" "$@" < "$work/hold")
  holder_pids+=($!)
  read -r -t 10 line <&$out || { echo "fanotify_holder $* did not start" >&2; exit 1; }
}

start_step() {
  local n=$1
  exec {load_in}> >(exec "$load" --processes "$n" --fds "$fds" --max-seconds 1800 > "$work/ready")
  load_pid=$!
  for ((i = 0; i < 600; i++)); do
    grep -q ready "$work/ready" 2>/dev/null && break
    sleep 0.5
  done
  grep -q ready "$work/ready" || { echo "the load generator did not get ready" >&2; exit 1; }
  : > "$work/guarded"
  start_holder --class notify --mark mount --path "$work"
  start_holder --class content --mark "inode:$work/guarded" --mask perm
  start_holder --class content --mark none
  start_holder --class notify --mark filesystem --path "$work"
}

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Runs "$@" once; prints wall ms and peak RSS KiB of the whole process.
timed() {
  local t0 t1
  t0=$(now_ns)
  /usr/bin/time -f %M -o "$work/rss" "$@" > "$work/out" 2>/dev/null || true
  t1=$(now_ns)
  echo "$(((t1 - t0) / 1000000)) $(tail -1 "$work/rss")"
}

# System calls of the agent's /proc path and of the floor, counted by strace -c -f over one run
# on the first size: the agent must need no more per descriptor than the floor.
syscall_counts() {
  local d=$1
  MDE_PREFLIGHT_FANOTIFY_SCAN=proc strace -f -c -o "$work/agent.strace" "$agent" check \
    --only linux.fanotify --format json --offline > /dev/null 2>&1 || true
  strace -f -c -o "$work/floor.strace" "$floor" > /dev/null 2>&1 || true
  # strace -c columns: % time, seconds, usecs/call, calls, [errors,] syscall.
  calls() { awk -v s="$2" '$NF == s { print $4 }' "$1"; }
  total() { calls "$1" total; }
  {
    echo "system calls over one run ($d descriptors; strace -c -f):"
    printf '  %-12s %10s %10s\n' syscall agent floor
    for s in readlinkat readlink openat open getdents64 read newfstatat statx close; do
      printf '  %-12s %10s %10s\n' "$s" "$(calls "$work/agent.strace" $s)" "$(calls "$work/floor.strace" $s)"
    done
    printf '  %-12s %10s %10s\n' total "$(total "$work/agent.strace")" "$(total "$work/floor.strace")"
    awk -v a="$(total "$work/agent.strace")" -v f="$(total "$work/floor.strace")" -v d="$d" \
      'BEGIN { printf "  per descriptor: agent %.3f, floor %.3f\n", a / d, f / d }'
  } > "$work/syscalls"
  cat "$work/syscalls" >&2
}

contenders=(agent-proc installer floor)
if MDE_PREFLIGHT_FANOTIFY_SCAN=bpf "$agent" check --only linux.fanotify --format json --offline \
  2>/dev/null | grep -q '"scan_path": *"bpf"'; then
  contenders=(agent-proc agent-bpf installer floor)
fi
run() {
  case $1 in
    agent-proc) MDE_PREFLIGHT_FANOTIFY_SCAN=proc timed "$agent" check --only linux.fanotify --format json --offline ;;
    agent-bpf) MDE_PREFLIGHT_FANOTIFY_SCAN=bpf timed "$agent" check --only linux.fanotify --format json --offline ;;
    installer) timed sh -c 'find /proc/*/fdinfo/ -type f -print0 2>/dev/null | xargs -r0 grep -Fl "fanotify mnt_id" 2>/dev/null' ;;
    floor) timed "$floor" ;;
    full) timed "$agent" check --format json --offline ;;
  esac
}

echo "machine: $(nproc) cores, $(uname -r), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$fds descriptors per sleeper, $rounds rounds per contender, medians in ms"
echo
header="| processes | descriptors |"
rule="|---:|---:|"
for c in "${contenders[@]}"; do header+=" $c ms |"; rule+="---:|"; done
header+=" proc/installer | proc/floor |"; rule+="---:|---:|"
[ "${contenders[1]}" = agent-bpf ] && { header+=" bpf/installer | bpf/floor |"; rule+="---:|---:|"; }
header+=" check --offline ms | offline/scan | agent peak RSS KiB |"; rule+="---:|---:|---:|"
rows=()
for n in $sizes; do
  start_step "$n"
  total=$(ls -d /proc/[0-9]* | wc -l)
  descriptors=$("$floor" | awk '{print $4}')
  declare -A times=()
  rss_max=0
  for ((r = 0; r < rounds; r++)); do
    for c in "${contenders[@]}" full; do
      read -r ms rss < <(run "$c")
      times[$c]+="$ms "
      case $c in agent-*) [ "$rss" -gt "$rss_max" ] && rss_max=$rss ;; esac
    done
  done
  row="| $total | $descriptors |"
  declare -A med=()
  for c in "${contenders[@]}" full; do med[$c]=$(printf '%s\n' ${times[$c]} | median); done
  for c in "${contenders[@]}"; do row+=" ${med[$c]} |"; done
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
  row+=" $(ratio "${med[agent-proc]}" "${med[installer]}") | $(ratio "${med[agent-proc]}" "${med[floor]}") |"
  if [ "${contenders[1]}" = agent-bpf ]; then
    row+=" $(ratio "${med[agent-bpf]}" "${med[installer]}") | $(ratio "${med[agent-bpf]}" "${med[floor]}") |"
  fi
  scan=${med[${contenders[1]}]}
  [ "${contenders[1]}" = agent-bpf ] || scan=${med[agent-proc]}
  row+=" ${med[full]} | $(ratio "${med[full]}" "$scan") | $rss_max |"
  rows+=("$row")
  echo "$row" >&2
  unset times med
  [ -z "${strace_done:-}" ] && command -v strace > /dev/null && { syscall_counts "$descriptors"; strace_done=1; }
  stop_step
done
echo "$header"
echo "$rule"
printf '%s\n' "${rows[@]}"
echo
[ -f "$work/syscalls" ] && cat "$work/syscalls"
echo "ratios are agent time / other time (below 1 = the agent is faster); load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
