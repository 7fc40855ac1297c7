#pragma once

// systemd-journald's native protocol, as bytes: https://systemd.io/JOURNAL_NATIVE_PROTOCOL/
// (2026-12). One datagram per entry; each field is "NAME=value\n", or, for a value that holds a
// newline, "NAME\n" + the value's length as 64-bit little-endian + the value + "\n". Pure: built
// and tested on every OS.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace preflight::journal {

struct Field {
  std::string_view name;  // ValidFieldName
  std::string_view value;
};

// One entry's datagram. Fields with an invalid name are left out (journald drops them anyway).
std::string EncodeEntry(std::span<const Field> fields);

// True when journald accepts the field name from a client: uppercase letters, digits and '_',
// not starting with '_' (reserved for the fields journald itself adds), at most 64 bytes.
bool ValidFieldName(std::string_view name);

// True when $JOURNAL_STREAM ("<device>:<inode>", decimal) names the file standard error is, as
// systemd.exec(5) says a program should check before speaking the native protocol.
bool StreamMatches(std::string_view journal_stream, std::uint64_t device, std::uint64_t inode);

// syslog priorities (journald's PRIORITY= field, RFC 5424 severities).
enum class Priority { kErr = 3, kWarning = 4, kNotice = 5, kInfo = 6, kDebug = 7 };

}  // namespace preflight::journal
