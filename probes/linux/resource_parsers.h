#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace preflight {

// The value of one /proc/meminfo line ("MemTotal:       16303496 kB", fs/proc/meminfo.c) in KiB;
// nullopt when the key is absent or its value is not a number. Pure; never throws.
std::optional<std::uint64_t> MeminfoKib(std::string_view text, std::string_view key);

// The number of CPUs in a kernel CPU list ("0-3,5\n", as /sys/devices/system/cpu/online writes it;
// Documentation/ABI/testing/sysfs-devices-system-cpu). nullopt when malformed. Pure.
std::optional<std::uint64_t> CountCpuList(std::string_view text);

// The number of "processor\t: N" lines in /proc/cpuinfo (x86 and arm64 both write them). Pure.
std::uint64_t CountCpuinfoProcessors(std::string_view text);

// "2.36" from the banner glibc carries in libc.so.6
// ("GNU C Library (Debian GLIBC 2.36-9) stable release version 2.36."); nullopt without one. Pure.
std::optional<std::string> GlibcVersionFromBinary(std::string_view bytes);

// "2.17" from the file name glibc before 2.34 gave its library ("libc-2.17.so"). Pure.
std::optional<std::string> GlibcVersionFromFileName(std::string_view name);

}  // namespace preflight
