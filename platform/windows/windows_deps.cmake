# Third-party libraries and system settings of a Windows build, included by the top-level
# CMakeLists.txt so every target sees the same definitions.
#
# MSVC with vcpkg (or any Windows build with CMake packages): the ordinary packages are used.
# The mingw-w64 cross build on Debian has no mingw packages for them (reference/toolchain.md §3),
# so it uses Debian's own headers header-only, through a folder of symlinks made here in the
# build directory: never /usr/include itself, which would pull glibc's headers into a Windows
# build (reference/toolchain.md §2).

# Windows 10 / Server 2016 APIs; lean windows.h; no min/max macros; wide-char Win32 APIs, so a
# call that forgets the W suffix still gets Unicode (STYLE.md, convention 6).
add_compile_definitions(_WIN32_WINNT=0x0A00 WIN32_LEAN_AND_MEAN NOMINMAX UNICODE _UNICODE
                        BOOST_PROCESS_USE_STD_FS)
if(MINGW)
  # One self-contained .exe: no libstdc++ / libgcc / libwinpthread DLLs to ship next to it.
  add_link_options(-static)
endif()

find_package(nlohmann_json 3.11 CONFIG QUIET)
find_package(spdlog 1.10 CONFIG QUIET)
find_package(Boost 1.81 CONFIG QUIET COMPONENTS headers)

set(PREFLIGHT_HOST_INCLUDE_DIR /usr/include
    CACHE PATH "Where the cross build finds the Boost, fmt, spdlog and nlohmann headers")
set(_header_links ${CMAKE_BINARY_DIR}/header-only)
function(_preflight_link_headers)
  foreach(name IN LISTS ARGN)
    if(NOT EXISTS ${PREFLIGHT_HOST_INCLUDE_DIR}/${name})
      message(FATAL_ERROR "${PREFLIGHT_HOST_INCLUDE_DIR}/${name} is missing: install the Debian "
                          "packages libboost1.81-dev nlohmann-json3-dev libspdlog-dev")
    endif()
    file(MAKE_DIRECTORY ${_header_links})
    file(CREATE_LINK ${PREFLIGHT_HOST_INCLUDE_DIR}/${name} ${_header_links}/${name} SYMBOLIC)
  endforeach()
endfunction()

if(NOT nlohmann_json_FOUND)
  _preflight_link_headers(nlohmann)
  add_library(preflight_nlohmann_json INTERFACE)
  target_include_directories(preflight_nlohmann_json SYSTEM INTERFACE ${_header_links})
  add_library(nlohmann_json::nlohmann_json ALIAS preflight_nlohmann_json)
endif()

if(NOT spdlog_FOUND)
  # Debian's spdlog/tweakme.h forces SPDLOG_FMT_EXTERNAL, so fmt must be header-only too.
  _preflight_link_headers(spdlog fmt)
  add_library(preflight_spdlog INTERFACE)
  target_include_directories(preflight_spdlog SYSTEM INTERFACE ${_header_links})
  target_compile_definitions(preflight_spdlog INTERFACE SPDLOG_HEADER_ONLY FMT_HEADER_ONLY)
  add_library(spdlog::spdlog ALIAS preflight_spdlog)
endif()

if(NOT Boost_FOUND)
  _preflight_link_headers(boost)
  add_library(preflight_boost_headers INTERFACE)
  target_include_directories(preflight_boost_headers SYSTEM INTERFACE ${_header_links})
  add_library(Boost::headers ALIAS preflight_boost_headers)
  set(_boost_include_dir ${PREFLIGHT_HOST_INCLUDE_DIR})
else()
  get_target_property(_boost_include_dir Boost::headers INTERFACE_INCLUDE_DIRECTORIES)
endif()

# Boost.Process v2 fixes, as include directories that go before Boost's own
# (PREFLIGHT_BOOST_PROCESS_FIXES, used by platform/CMakeLists.txt).
include(${CMAKE_CURRENT_LIST_DIR}/compat/boost_process_fixes.cmake)
preflight_boost_process_fixes("${_boost_include_dir}" PREFLIGHT_BOOST_PROCESS_FIXES)

# Winsock for Boost.Asio (ws2_32, mswsock), BCryptGenRandom (bcrypt), RtlGetVersion (ntdll),
# registry, service manager and tokens (advapi32), the HTTP client (winhttp), certificate chains
# and names for network.mde (crypt32), minifilter
# enumeration (fltlib).
set(PREFLIGHT_WIN32_LIBS ws2_32 mswsock ntdll shell32 advapi32 user32 bcrypt winhttp crypt32 fltlib)
