# Boost 1.81's Process v2 has two bugs in its Windows code (reference/toolchain.md §2). Both are
# fixed by include directories that go before Boost's own; no Boost code is committed here.
#
# (a) boost/process/v2/detail/impl/utf8.ipp includes <Windows.h>; mingw-w64 ships windows.h, and
#     a Linux file system is case-sensitive. casefix/Windows.h forwards to <windows.h>. It is used
#     only when the compiler's headers cannot be found under that spelling, because on a
#     case-insensitive file system it would shadow the real header.
# (b) process_environment calls build_env(sv, "") and build_env(sv, L""): a string literal for a
#     `void*` parameter, which no compiler accepts. Later Boost calls build_env(sv). The fixed
#     header is generated at configure time from the installed one, and only while the installed
#     one still has the bug, so a newer Boost (vcpkg) gets no overlay.
function(preflight_boost_process_fixes boost_include_dir out_var)
  set(dirs)

  set(header ${boost_include_dir}/boost/process/v2/environment.hpp)
  if(EXISTS ${header})
    file(READ ${header} original)
    set(fixed "${original}")
    string(REPLACE "build_env(sv,  \"\")" "build_env(sv)" fixed "${fixed}")
    string(REPLACE "build_env(sv, L\"\")" "build_env(sv)" fixed "${fixed}")
    if(NOT fixed STREQUAL original)
      set(overlay ${CMAKE_BINARY_DIR}/boost-process-overlay)
      set(target ${overlay}/boost/process/v2/environment.hpp)
      file(WRITE ${target}.new "${fixed}")
      # Unchanged content keeps its timestamp, so a re-configure rebuilds nothing.
      file(COPY_FILE ${target}.new ${target} ONLY_IF_DIFFERENT)
      file(REMOVE ${target}.new)
      list(APPEND dirs ${overlay})
      message(STATUS "Boost.Process v2: build_env fix generated in ${overlay}")
    endif()
  endif()

  if(MINGW)
    set(needs_casefix FALSE)
    foreach(dir IN LISTS CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES CMAKE_C_IMPLICIT_INCLUDE_DIRECTORIES)
      if(EXISTS ${dir}/windows.h AND NOT EXISTS ${dir}/Windows.h)
        set(needs_casefix TRUE)
      endif()
    endforeach()
    if(needs_casefix)
      list(APPEND dirs ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/casefix)
      message(STATUS "Boost.Process v2: <Windows.h> forwarded to mingw-w64's <windows.h>")
    endif()
  endif()

  set(${out_var} ${dirs} PARENT_SCOPE)
endfunction()
