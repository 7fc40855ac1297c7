# The in-kernel fanotify scan: a BPF task-file iterator (platform/linux/bpf/fanotify_iter.bpf.c)
# compiled with clang for the BPF target against a vmlinux.h that bpftool dumps from the build
# machine's BTF (CO-RE: libbpf relocates the field offsets against the running kernel at load
# time), wrapped in a skeleton header by `bpftool gen skeleton`, and loaded with libbpf.
# Built when PREFLIGHT_BPF is ON and clang, bpftool, libbpf and /sys/kernel/btf/vmlinux are all
# there; otherwise the agent has the /proc scan only, and configure says why.
#   preflight_add_fanotify_bpf(<target>)
option(PREFLIGHT_BPF "Build the BPF in-kernel fanotify scan when the toolchain has it" ON)

function(preflight_add_fanotify_bpf target)
  set(skip "")
  if(NOT PREFLIGHT_BPF)
    set(skip "PREFLIGHT_BPF is OFF")
  else()
    find_program(PREFLIGHT_BPF_CLANG NAMES clang clang-14 clang-15 clang-16)
    find_program(PREFLIGHT_BPFTOOL bpftool PATHS /usr/sbin /sbin)
    find_package(PkgConfig QUIET)
    if(PkgConfig_FOUND)
      pkg_check_modules(LIBBPF QUIET IMPORTED_TARGET libbpf)
    endif()
    if(NOT PREFLIGHT_BPF_CLANG)
      set(skip "no clang")
    elseif(NOT PREFLIGHT_BPFTOOL)
      set(skip "no bpftool")
    elseif(NOT LIBBPF_FOUND)
      set(skip "no libbpf (libbpf-dev)")
    elseif(NOT EXISTS /sys/kernel/btf/vmlinux)
      set(skip "no /sys/kernel/btf/vmlinux to generate vmlinux.h from")
    endif()
  endif()
  set(src ${PROJECT_SOURCE_DIR}/platform/linux)
  if(skip)
    message(STATUS "fanotify scan: /proc path only; the BPF iterator is skipped: ${skip}")
    target_sources(${target} PRIVATE ${src}/fanotify_group_source_none.cpp)
    set_source_files_properties(${src}/fanotify_group_source_none.cpp PROPERTIES
                                COMPILE_DEFINITIONS "PREFLIGHT_BPF_SKIPPED_REASON=\"${skip}\"")
    return()
  endif()
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
    set(arch arm64)
  else()
    set(arch x86)
  endif()
  set(out ${CMAKE_CURRENT_BINARY_DIR}/bpf)
  file(MAKE_DIRECTORY ${out})
  add_custom_command(OUTPUT ${out}/vmlinux.h
    COMMAND sh -c "${PREFLIGHT_BPFTOOL} btf dump file /sys/kernel/btf/vmlinux format c > ${out}/vmlinux.h"
    COMMENT "vmlinux.h from /sys/kernel/btf/vmlinux (bpftool)" VERBATIM)
  add_custom_command(OUTPUT ${out}/fanotify_iter.bpf.o
    COMMAND ${PREFLIGHT_BPF_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_${arch} -I${out}
            -I${src}/bpf -c ${src}/bpf/fanotify_iter.bpf.c -o ${out}/fanotify_iter.bpf.o
    DEPENDS ${src}/bpf/fanotify_iter.bpf.c ${src}/bpf/fanotify_iter.h ${out}/vmlinux.h
    COMMENT "fanotify_iter.bpf.o (clang -target bpf)" VERBATIM)
  add_custom_command(OUTPUT ${out}/fanotify_iter.skel.h
    COMMAND sh -c "${PREFLIGHT_BPFTOOL} gen skeleton ${out}/fanotify_iter.bpf.o name fanotify_iter > ${out}/fanotify_iter.skel.h"
    DEPENDS ${out}/fanotify_iter.bpf.o
    COMMENT "fanotify_iter.skel.h (bpftool gen skeleton)" VERBATIM)
  target_sources(${target} PRIVATE ${src}/fanotify_group_source_bpf.cpp ${out}/fanotify_iter.skel.h)
  # Generated headers on their own, for clang-tidy before a full build (.ci/lint).
  add_custom_target(preflight_generated_headers DEPENDS ${out}/fanotify_iter.skel.h)
  # SYSTEM: the generated skeleton follows libbpf's naming, not this project's (clang-tidy).
  target_include_directories(${target} SYSTEM PRIVATE ${out})
  target_link_libraries(${target} PRIVATE PkgConfig::LIBBPF)
  message(STATUS "fanotify scan: /proc path and the BPF task-file iterator (${PREFLIGHT_BPF_CLANG}, "
                 "${PREFLIGHT_BPFTOOL}, libbpf ${LIBBPF_VERSION})")
endfunction()
