#!/usr/bin/env bash
# Runs the agent's `check` many times in a row and fails on any crash, hang or invalid report.
# A race between the check threads and the process's exit shows up once in tens of runs, so one
# run proves nothing; this loop is the reproduction and the regression test.
#
#   tests/stress/repeat_check.sh [-n RUNS] [-t SECONDS] [-s SCHEMA] [-k DIR] [-w | -e PROGRAM]
#                                AGENT [ARGS...]
#
#   -n RUNS     how many runs (default 200)
#   -t SECONDS  a run still going after this is a hang: TERM, then KILL 5 s later (default 60)
#   -s SCHEMA   also validate each report against this JSON schema (python3-jsonschema)
#   -k DIR      keep the output of every bad run in DIR (default: a temporary folder)
#   -w          run AGENT under Wine (WINEPREFIX etc. from the environment, as windows-test.sh)
#   -e PROGRAM  run AGENT through PROGRAM (ctest passes its cross-compiling emulator, wine)
#   ARGS        the agent's arguments (default: check --offline --format json)
#
# A run is good when it exits 0 or 1 (pass or a failed check) within the time, prints one JSON
# object on stdout that python3 parses (and the schema accepts), and Wine reports no fault on
# stderr. Prints one line per bad run, then the counts and the wall time per run (min, median,
# max); exits 1 when any run was bad, 2 on a usage error.
set -uo pipefail

runs=200 limit=60 schema= keep= wine=0 emulator=
usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts 'n:t:s:k:we:h' opt; do
  case $opt in
    n) runs=$OPTARG ;;
    t) limit=$OPTARG ;;
    s) schema=$OPTARG ;;
    k) keep=$OPTARG ;;
    w) wine=1 ;;
    e) emulator=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
agent=$1
shift
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(check --offline --format json)

launcher=()
if [ "$wine" = 1 ]; then emulator=$(command -v wine64 || command -v wine); fi
if [ -n "$emulator" ]; then
  launcher=("$emulator")
  export WINEDEBUG=${WINEDEBUG:--all}
fi
if [ -z "$keep" ]; then keep=$(mktemp -d "${TMPDIR:-/tmp}/repeat-check.XXXXXX"); fi
mkdir -p "$keep"
work=$(mktemp -d "${TMPDIR:-/tmp}/repeat-check-run.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Reads a report on stdin: exit 0 when it is one JSON object (valid against $1 when given).
validate() {
  python3 -c '
import json, sys
report = json.load(sys.stdin)
if not isinstance(report, dict) or "checks" not in report:
    sys.exit("not a report object")
if len(sys.argv) > 1 and sys.argv[1]:
    import jsonschema
    with open(sys.argv[1], encoding="utf-8") as f:
        jsonschema.validate(report, json.load(f))
' "$1"
}

crashes=0 hangs=0 invalid=0 bad_exit=0
times=()
for ((i = 1; i <= runs; i++)); do
  start=$(date +%s%N)
  timeout -k 5 "$limit" "${launcher[@]}" "$agent" "${args[@]}" >"$work/out" 2>"$work/err" </dev/null
  rc=$?
  ms=$((($(date +%s%N) - start) / 1000000))
  times+=("$ms")
  what=
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    what=hang hangs=$((hangs + 1))
  elif [ $rc -ge 128 ] || grep -qE 'Unhandled (page fault|exception)|^wine: .*(fault|exception)' "$work/err"; then
    what=crash crashes=$((crashes + 1))
  elif [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
    what="exit $rc" bad_exit=$((bad_exit + 1))
  elif ! validate "$schema" <"$work/out" 2>"$work/why"; then
    what="invalid JSON ($(tail -n 1 "$work/why"))" invalid=$((invalid + 1))
  fi
  if [ -n "$what" ]; then
    echo "run $i: $what after $ms ms (exit $rc); output kept as $keep/run$i.{out,err}"
    cp "$work/out" "$keep/run$i.out"
    cp "$work/err" "$keep/run$i.err"
  fi
done

sorted=$(printf '%s\n' "${times[@]}" | sort -n)
min=$(head -n 1 <<<"$sorted")
max=$(tail -n 1 <<<"$sorted")
median=$(sed -n "$(((runs + 1) / 2))p" <<<"$sorted")
bad=$((crashes + hangs + invalid + bad_exit))
echo "repeat_check: $runs runs of ${args[*]}: $((runs - bad)) good, $crashes crashed, $hangs hung," \
     "$invalid invalid JSON, $bad_exit other exit codes; ms per run min $min, median $median, max $max"
[ $bad -eq 0 ]
