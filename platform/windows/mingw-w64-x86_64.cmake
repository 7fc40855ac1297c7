# Cross-compiles the agent for 64-bit Windows with Debian's mingw-w64 (reference/toolchain.md §2):
#   cmake -S . -B build-win -G Ninja -DCMAKE_TOOLCHAIN_FILE=platform/windows/mingw-w64-x86_64.cmake
# The posix thread model is required: std::thread and std::mutex need it in GCC 12's libstdc++.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(PREFLIGHT_MINGW_PREFIX x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${PREFLIGHT_MINGW_PREFIX}-gcc-posix)
set(CMAKE_CXX_COMPILER ${PREFLIGHT_MINGW_PREFIX}-g++-posix)
set(CMAKE_RC_COMPILER ${PREFLIGHT_MINGW_PREFIX}-windres)

# Only the mingw sysroot is searched for libraries, headers and CMake packages, so nothing of the
# Linux host (glibc headers, .so files, Debian's package configs) leaks into the Windows build.
# Programs (python3 for the schema test) still come from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${PREFLIGHT_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest and gtest_discover_tests run the .exe files through Wine.
find_program(PREFLIGHT_WINE NAMES wine64 wine PATHS /usr/lib/wine NO_CMAKE_FIND_ROOT_PATH)
if(PREFLIGHT_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${PREFLIGHT_WINE})
endif()
