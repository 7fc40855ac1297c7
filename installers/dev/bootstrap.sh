#!/usr/bin/env bash
# Developer and CI entry point on Debian 12: installs what the build needs, builds, and either
# runs a check on this machine or runs every test.
#
#   installers/dev/bootstrap.sh check   install, build, run `mde-preflight check` here
#   installers/dev/bootstrap.sh test    install, lint (.ci/lint), build, run every test suite
#   installers/dev/bootstrap.sh windows-test
#                                       cross-build for Windows, run its tests under Wine
#                                       (installers/dev/windows-test.sh)
#
# Environment: BUILD_DIR (default build), JOBS (default 2), SKIP_APT=1 to skip package installs.
set -euo pipefail

mode=${1:-check}
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$repo/build}
jobs=${JOBS:-2}

# Debian 12 packages (reference/toolchain.md section 1). libboost1.81-dev ships Boost.Process v2.
# The in-kernel fanotify scan (cmake/fanotify_bpf.cmake): clang for the BPF target, bpftool for
# vmlinux.h and the skeleton, libbpf-dev to load it; libbenchmark-dev for the parser benchmarks.
build_packages=(cmake ninja-build g++ pkg-config libboost1.81-dev nlohmann-json3-dev libspdlog-dev
                libcurl4-openssl-dev libssl-dev zlib1g-dev libgtest-dev libgmock-dev ccache clang
                bpftool libbpf-dev libbenchmark-dev)
# Tests: the JSON Schema validator and the Azure emulator run on Debian's python3; unshare and
# mount (util-linux) build the private mount namespace of the fanotify tests; setpriv (util-linux)
# runs the agent with the unit's capabilities. The package tests: dpkg-dev (dpkg-shlibdeps for
# cpack's deb dependencies), rpm (rpmbuild, rpm -qp), systemd (systemd-analyze verify / security,
# not as init) and man-db (verify's man page lookup, man --warnings). The HTML report test renders
# the page in headless chromium and reads its PDF with pdftotext (poppler-utils). The image tests
# build Debian trees with debootstrap and a RHEL-style rpm database with rpm --root (rpm).
test_packages=(python3 python3-jsonschema util-linux clang-format clang-tidy strace dpkg-dev rpm
               systemd man-db chromium poppler-utils debootstrap)

log() { printf '\n== %s\n' "$*"; }

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

# ccache: CI runs on the developer's machine again, so a warm cache turns a cold 2-core build into
# minutes. Paths are taken relative to the clone (CCACHE_BASEDIR) so another clone hits the cache.
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$repo} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

configure() {
  log "configuring $build"
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
        "${launcher[@]}" "$@"
}

compile() {
  log "building with -j$jobs"
  cmake --build "$build" -j "$jobs"
}

case "$mode" in
  check)
    install_packages "${build_packages[@]}"
    configure -DBUILD_TESTING=OFF
    compile
    log "running mde-preflight check"
    set +e
    "$build/agent/mde-preflight" check
    rc=$?
    set -e
    echo "mde-preflight exited with $rc (0 nothing failed, 1 a check failed, 2 usage, 3 internal error)"
    # A failing check is a finding about this machine, not a failed setup.
    [ "$rc" -le 1 ]
    ;;
  test)
    install_packages "${build_packages[@]}" "${test_packages[@]}"
    # clang-format needs only the sources; clang-tidy needs the compile database configure writes.
    # A clang-tidy finding fails the run after the tests, so that one run reports both.
    log "clang-format"
    "$repo/.ci/lint" format
    configure -DBUILD_TESTING=ON
    log "clang-tidy with -j$jobs"
    tidy_rc=0
    JOBS=$jobs "$repo/.ci/lint" tidy "$build" || tidy_rc=$?
    compile
    log "running the test suites"
    (cd "$build" && ctest --output-on-failure -j "$jobs" --timeout 300)
    if [ "$tidy_rc" -ne 0 ]; then
      echo "clang-tidy found problems (listed above, before the build)" >&2
      exit "$tidy_rc"
    fi
    ;;
  windows-test)
    exec "$repo/installers/dev/windows-test.sh"
    ;;
  *)
    echo "usage: $0 check|test|windows-test" >&2
    exit 2
    ;;
esac
