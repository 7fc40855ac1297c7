#pragma once

// Registry scenarios for the Windows checks, written through a small writer interface so that the
// same scenario fills the FakeRegistry in unit tests (both builds) and the real registry under
// Wine (tests/windows/windows_checks_test.cpp). Also: hand-made FilterAggregateStandardInformation
// buffers and a fake minifilter source.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "platform/minifilter_source.h"
#include "platform/registry.h"
#include "platform/utf16.h"
#include "tests/fakes/fake_registry.h"

namespace preflight::testing {

class RegistryWriter {
 public:
  virtual ~RegistryWriter() = default;
  virtual void Key(const std::string& key) = 0;
  virtual void Dword(const std::string& key, const std::string& name, std::uint32_t value) = 0;
  virtual void Qword(const std::string& key, const std::string& name, std::uint64_t value) = 0;
  virtual void String(const std::string& key, const std::string& name,
                      const std::string& value) = 0;
  virtual void MultiString(const std::string& key, const std::string& name,
                           const std::vector<std::string>& values) = 0;
  virtual void Binary(const std::string& key, const std::string& name,
                      const std::string& bytes) = 0;
};

class FakeRegistryWriter final : public RegistryWriter {
 public:
  explicit FakeRegistryWriter(FakeRegistry& registry) : registry_(registry) {}
  void Key(const std::string& key) override { registry_.AddKey(key); }
  void Dword(const std::string& key, const std::string& name, std::uint32_t value) override {
    registry_.SetDword(key, name, value);
  }
  void Qword(const std::string& key, const std::string& name, std::uint64_t value) override {
    registry_.SetQword(key, name, value);
  }
  void String(const std::string& key, const std::string& name, const std::string& value) override {
    registry_.SetString(key, name, value);
  }
  void MultiString(const std::string& key, const std::string& name,
                   const std::vector<std::string>& values) override {
    registry_.SetMultiString(key, name, values);
  }
  void Binary(const std::string& key, const std::string& name, const std::string& bytes) override {
    registry_.SetValue(key, name, RegistryValue{RegistryType::kBinary, bytes});
  }

 private:
  FakeRegistry& registry_;
};

inline constexpr const char* kTestCurrentVersion =
    "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
inline constexpr const char* kTestAtp = "SOFTWARE\\Microsoft\\Windows Advanced Threat Protection";
inline constexpr const char* kTestAtpStatus =
    "SOFTWARE\\Microsoft\\Windows Advanced Threat Protection\\Status";
inline constexpr const char* kTestAtpPolicy =
    "SOFTWARE\\Policies\\Microsoft\\Windows Advanced Threat Protection";
inline constexpr const char* kTestDefender = "SOFTWARE\\Microsoft\\Windows Defender";
inline constexpr const char* kTestDefenderPolicy =
    "SOFTWARE\\Policies\\Microsoft\\Windows Defender";
inline constexpr const char* kTestServices = "SYSTEM\\CurrentControlSet\\Services";

inline void PlantVersion(RegistryWriter& w, const std::string& product, std::uint32_t build,
                         std::uint32_t ubr, const std::string& edition,
                         const std::string& installation_type) {
  w.String(kTestCurrentVersion, "ProductName", product);
  w.String(kTestCurrentVersion, "CurrentBuildNumber", std::to_string(build));
  w.String(kTestCurrentVersion, "CurrentBuild", std::to_string(build));
  w.Dword(kTestCurrentVersion, "UBR", ubr);
  w.String(kTestCurrentVersion, "EditionID", edition);
  w.String(kTestCurrentVersion, "InstallationType", installation_type);
}

inline void PlantServer2019(RegistryWriter& w) {
  PlantVersion(w, "Windows Server 2019 Datacenter", 17763, 5122, "ServerDatacenter", "Server");
}
inline void PlantServer2012R2(RegistryWriter& w) {
  PlantVersion(w, "Windows Server 2012 R2 Datacenter", 9600, 0, "ServerDatacenter", "Server");
}
inline void PlantServer2016(RegistryWriter& w, std::uint32_t ubr) {
  PlantVersion(w, "Windows Server 2016 Datacenter", 14393, ubr, "ServerDatacenter", "Server Core");
}
inline void PlantWindows11Pro(RegistryWriter& w) {
  // Windows 11 still says "Windows 10" in ProductName; the build tells them apart.
  PlantVersion(w, "Windows 10 Pro", 22631, 4460, "Professional", "Client");
}
inline void PlantHyperVServer(RegistryWriter& w) {
  PlantVersion(w, "Hyper-V Server 2019", 17763, 1, "ServerHyperCore", "Server Core");
}

// FILETIME ticks of a moment `seconds_ago` before `now_unix`.
inline std::uint64_t FiletimeOf(std::int64_t unix_seconds) {
  return static_cast<std::uint64_t>(unix_seconds) * 10'000'000ULL + 116444736000000000ULL;
}

inline void PlantOnboarded(RegistryWriter& w, std::int64_t last_connected_unix) {
  w.String(kTestAtp, "SenseId", "0123456789abcdef0123456789abcdef01234567");
  w.String(kTestAtp, "InstallLocation",
           "C:\\Program Files\\Windows Defender Advanced Threat Protection\\");
  w.Dword(kTestAtpStatus, "OnboardingState", 1);
  w.String(kTestAtpStatus, "OrgId", "00000000-aaaa-bbbb-cccc-000000000001");
  w.Qword(kTestAtpStatus, "LastConnected", FiletimeOf(last_connected_unix));
}

// Registers a minifilter the way its INF does: Services\<name>\Instances\<instance>!Altitude.
inline void PlantRegisteredFilter(RegistryWriter& w, const std::string& name,
                                  const std::string& altitude) {
  const std::string instances = std::string(kTestServices) + "\\" + name + "\\Instances";
  w.String(instances, "DefaultInstance", name + " Instance");
  w.String(instances + "\\" + name + " Instance", "Altitude", altitude);
  w.Dword(instances + "\\" + name + " Instance", "Flags", 0);
}

// The WinHttpSettings value as `netsh winhttp set proxy` stores it.
inline std::string WinHttpSettingsBytes(std::uint32_t flags, const std::string& proxy,
                                        const std::string& bypass) {
  std::string bytes;
  const auto dword = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes += static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  dword(0x28);
  dword(3);
  dword(flags);
  dword(static_cast<std::uint32_t>(proxy.size()));
  bytes += proxy;
  dword(static_cast<std::uint32_t>(bypass.size()));
  bytes += bypass;
  return bytes;
}

// One FILTER_AGGREGATE_STANDARD_INFORMATION entry, shaped as fltuserstructures.h lays it out:
// the fixed part, then the UTF-16LE name and altitude (not NUL-terminated), 8-byte aligned.
struct FasiEntry {
  std::string name;
  std::string altitude;
  bool legacy = false;
  std::uint32_t instances = 1;
};

inline void PutLe(std::string& buffer, std::size_t at, std::uint64_t value, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i) {
    buffer[at + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
  }
}

inline std::string FasiBuffer(const std::vector<FasiEntry>& entries) {
  std::string buffer;
  for (std::size_t index = 0; index < entries.size(); ++index) {
    const FasiEntry& e = entries[index];
    const std::string name = Utf16ToLittleEndianBytes(Utf8ToUtf16(e.name).value());
    const std::string altitude = Utf16ToLittleEndianBytes(Utf8ToUtf16(e.altitude).value());
    std::string entry(fasi::kSize, '\0');
    const std::size_t name_offset = (fasi::kSize + 7) / 8 * 8;
    const std::size_t altitude_offset = (name_offset + name.size() + 7) / 8 * 8;
    const std::size_t size = (altitude_offset + altitude.size() + 7) / 8 * 8;
    entry.resize(size, '\0');
    entry.replace(name_offset, name.size(), name);
    entry.replace(altitude_offset, altitude.size(), altitude);
    PutLe(entry, fasi::kNextEntryOffset, index + 1 < entries.size() ? size : 0, 4);
    if (e.legacy) {
      PutLe(entry, fasi::kFlags, fasi::kIsLegacyFilter, 4);
      PutLe(entry, fasi::kLegacyNameLength, name.size(), 2);
      PutLe(entry, fasi::kLegacyNameOffset, name_offset, 2);
      PutLe(entry, fasi::kLegacyAltitudeLength, altitude.size(), 2);
      PutLe(entry, fasi::kLegacyAltitudeOffset, altitude_offset, 2);
    } else {
      PutLe(entry, fasi::kFlags, fasi::kIsMinifilter, 4);
      PutLe(entry, fasi::kMiniFrameId, 0, 4);
      PutLe(entry, fasi::kMiniNumberOfInstances, e.instances, 4);
      PutLe(entry, fasi::kMiniNameLength, name.size(), 2);
      PutLe(entry, fasi::kMiniNameOffset, name_offset, 2);
      PutLe(entry, fasi::kMiniAltitudeLength, altitude.size(), 2);
      PutLe(entry, fasi::kMiniAltitudeOffset, altitude_offset, 2);
    }
    buffer += entry;
  }
  return buffer;
}

// Hands out prepared buffers, one per filter, as FilterFindFirst / FilterFindNext would.
class FakeMinifilterSource final : public MinifilterSource {
 public:
  explicit FakeMinifilterSource(Result<std::vector<std::string>> buffers)
      : buffers_(std::move(buffers)) {}
  Result<std::vector<std::string>> Enumerate(std::size_t max_filters) const override {
    if (!buffers_.Ok()) return buffers_.Err();
    std::vector<std::string> out = buffers_.Value();
    if (out.size() > max_filters) out.resize(max_filters);
    return out;
  }

 private:
  Result<std::vector<std::string>> buffers_;
};

inline std::vector<std::string> OneBufferPerFilter(const std::vector<FasiEntry>& entries) {
  std::vector<std::string> buffers;
  for (const FasiEntry& e : entries) buffers.push_back(FasiBuffer({e}));
  return buffers;
}

}  // namespace preflight::testing
