#!/usr/bin/env bash
# Builds the Windows agent with mingw-w64 on Debian 12 and runs its tests under Wine
# (reference/toolchain.md section 2). One command, also `installers/dev/bootstrap.sh windows-test`:
#
#   installers/dev/windows-test.sh
#
# It installs the packages, configures build-win with the toolchain file, runs clang-tidy over the
# Windows-only sources, builds, makes a scratch Wine prefix, runs ctest there (unit tests, Windows
# platform tests, the agent's JSON report against the schema, fuzz replays) and exits with ctest's
# code, or clang-tidy's when ctest passed.
# Environment: BUILD_DIR (default build-win), JOBS (default 2), BUILD_TYPE (default Release),
# SKIP_APT=1 to skip package installs, KEEP_WINEPREFIX=1 to keep the prefix for a look afterwards.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$repo/build-win}
jobs=${JOBS:-2}

# The cross compiler, Wine, and Debian's header-only libraries and GoogleTest sources that the
# cross build uses (platform/windows/windows_deps.cmake); python3-jsonschema validates the report;
# wixl builds the MSI and msitools' msiinfo reads it back.
packages=(cmake ninja-build g++-mingw-w64-x86-64-posix wine wine64 libboost1.81-dev
          nlohmann-json3-dev libspdlog-dev googletest python3 python3-jsonschema wixl msitools ccache
          clang-tidy)

log() { printf '\n== %s\n' "$*"; }
now() { date +%s%N; }
since() {  # seconds since $1, with one decimal
  local tenths=$((($(now) - $1) / 100000000))
  printf '%d.%d' $((tenths / 10)) $((tenths % 10))
}

install_packages() {
  [ "${SKIP_APT:-0}" = 1 ] && return 0
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

started=$(now)
t=$started
install_packages "${packages[@]}"
install_s=$(since "$t")

# Release at -O2, not CMake's -O3: the level the Linux build checks its warnings at, and about
# half the compile time per file on CI's two cores (measured: 17.3 s -> 9.5 s for
# process_runner_windows.cpp).
log "configuring $build for Windows (mingw-w64)"
t=$(now)
launcher=()
if command -v ccache >/dev/null 2>&1; then  # as in bootstrap.sh: another clone hits the cache
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$repo} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$repo" -B "$build" -G Ninja -DBUILD_TESTING=ON "${launcher[@]}" \
      -DCMAKE_TOOLCHAIN_FILE="$repo/platform/windows/mingw-w64-x86_64.cmake" \
      -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG"
configure_s=$(since "$t")

# clang-tidy for the Windows target over the units only this build compiles (platform/windows/,
# agent/*_windows.cpp, ...) when the Linux build is configured (installers/dev/bootstrap.sh test
# tidies the others), else over every product unit of this build (.ci/clang_tidy.py).
log "clang-tidy with -j$jobs"
t=$(now)
linux_units=()
if [ -f "$repo/build/compile_commands.json" ]; then
  linux_units=(--except-units-of "$repo/build")
fi
tidy_rc=0
JOBS=$jobs "$repo/.ci/lint" tidy "$build" "${linux_units[@]}" || tidy_rc=$?
tidy_s=$(since "$t")

log "building with -j$jobs"
t=$(now)
cmake --build "$build" -j "$jobs"
build_s=$(since "$t")

# A fresh prefix: nothing from an earlier run or from the user's ~/.wine leaks into the tests.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mde-preflight-wine.XXXXXX")
export WINEPREFIX=$scratch/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# network.mde probes nothing in the Windows services Wine starts (their environment is the
# prefix's, not a test's): the empty endpoint list tests/CMakeLists.txt writes.
export MDE_PREFLIGHT_NETWORK_ENDPOINTS="Z:$build/tests/no_endpoints.txt"
unset DISPLAY  # headless: no window may ever open
cleanup() {
  wineserver -k >/dev/null 2>&1 </dev/null || true
  if [ "${KEEP_WINEPREFIX:-0}" = 1 ]; then echo "Wine prefix kept in $WINEPREFIX"; else rm -rf "$scratch"; fi
}
trap cleanup EXIT

log "creating the Wine prefix $WINEPREFIX"
t=$(now)
wineboot -u >/dev/null 2>&1 </dev/null
# wineboot's server saves the new registry as it exits; a second one cannot start before that.
wineserver -w
# A persistent wineserver with its output NOT on our pipes: one that inherits ctest's or the CI
# log's pipe holds it open and the job never ends (reference/toolchain.md section 2).
wineserver -p >/dev/null 2>&1 </dev/null
wine cmd /c exit >/dev/null 2>&1 </dev/null
wineboot_s=$(since "$t")

log "running the tests under Wine"
t=$(now)
ctest_log=$scratch/ctest.log
set +e
# One test at a time: they share the one wineserver, and in parallel Wine's SCM and job objects
# interfere (seen at -j2: a killed job's pipe read that never completed, a console `service` run
# that failed while the MSI test's service started). Serial, the whole suite takes about a minute.
# One retry: once in ~440 tests a test process printed PASSED and then died in Wine's teardown
# ("Inconsistency detected by ld.so: dl-fini.c: 87"), in the host loader, not in our code. A
# test that fails twice still fails the run, and the first failure stays in the log.
(cd "$build" && ctest --output-on-failure -j 1 --timeout 300 --repeat until-pass:2) 2>&1 | tee "$ctest_log"
rc=${PIPESTATUS[0]}
set -e
ctest_s=$(since "$t")

# ctest's own summary line, e.g. "100% tests passed, 0 tests failed out of 152".
summary=$(grep -E '^[0-9]+% tests passed' "$ctest_log" | tail -n 1)
echo "windows-test: ${summary:-no ctest summary}"
echo "windows-test: packages ${install_s} s, configure ${configure_s} s, clang-tidy ${tidy_s} s," \
     "build ${build_s} s" \
     "(-j$jobs), Wine prefix ${wineboot_s} s, ctest ${ctest_s} s; total $(since "$started") s;" \
     "ctest exit code $rc, clang-tidy exit code $tidy_rc"
[ "$rc" -ne 0 ] && exit "$rc"
exit "$tidy_rc"
