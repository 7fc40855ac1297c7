#include <windows.h>
#include <winioctl.h>

#include <cstdint>
#include <memory>
#include <string>

#include "platform/file_system.h"
#include "platform/reparse_point.h"
#include "platform/windows/win32_util.h"

namespace preflight {
namespace {

using win32::LastError;
using win32::UniqueFind;
using win32::UniqueHandle;
using win32::Win32Error;

// Big reads mean fewer system calls; the caller's max_bytes bounds the total anyway.
constexpr DWORD kReadChunk = 64 * 1024;
// FILETIME counts 100 ns ticks since 1601-01-01, 11644473600 s before the Unix epoch
// (https://learn.microsoft.com/windows/win32/sysinfo/converting-a-time-t-value-to-a-file-time).
constexpr std::uint64_t kTicksPerSecond = 10000000;
constexpr std::int64_t kEpochOffsetSeconds = 11644473600;
// MAXIMUM_REPARSE_DATA_BUFFER_SIZE (winnt.h) bounds every reparse point.
constexpr DWORD kMaxReparseBytes = 16 * 1024;
// Longer paths get the \\?\ prefix, which lifts MAX_PATH; 248 is the limit for directory names
// (https://learn.microsoft.com/windows/win32/fileio/maximum-file-path-limitation).
constexpr std::size_t kLongPathFrom = 248;

bool IsSeparator(char c) { return c == '/' || c == '\\'; }

// "C:\..." / "C:/..." or "\\server\share\...": a path the caller already gave in Windows terms.
bool IsWindowsAbsolute(const std::string& path) {
  const bool drive = path.size() >= 3 &&
                     ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')) &&
                     path[1] == ':' && IsSeparator(path[2]);
  const bool unc = path.size() >= 2 && path[0] == '\\' && path[1] == '\\';
  return drive || unc;
}

std::uint64_t Join(DWORD high, DWORD low) { return (std::uint64_t{high} << 32) | low; }

std::int64_t UnixSeconds(const FILETIME& time) {
  const std::uint64_t ticks = Join(time.dwHighDateTime, time.dwLowDateTime);
  return static_cast<std::int64_t>(ticks / kTicksPerSecond) - kEpochOffsetSeconds;
}

// "C:" for the system drive of the running machine ("C:\Windows" -> "C:").
std::string SystemDrive() {
  wchar_t windows_dir[MAX_PATH] = {};
  const UINT n = ::GetSystemWindowsDirectoryW(windows_dir, MAX_PATH);
  if (n >= 2 && n < MAX_PATH && windows_dir[1] == L':') {
    return win32::Narrow(std::wstring_view(windows_dir, 2));
  }
  return "C:";
}

class WindowsFileSystem final : public FileSystem {
 public:
  explicit WindowsFileSystem(const std::string& root) {
    live_ = root.empty() || root == "/";
    root_ = live_ ? SystemDrive() : root;
    while (root_.size() > 1 && IsSeparator(root_.back())) root_.pop_back();
  }

  Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes) const override {
    return Read(path, max_bytes, /*tail=*/false);
  }

  Result<std::string> ReadTail(const std::string& path, std::size_t max_bytes) const override {
    return Read(path, max_bytes, /*tail=*/true);
  }

  Result<std::string> ReadLink(const std::string& path) const override {
    auto native = Native(path);
    if (!native.Ok()) return native.Err();
    const std::string host = HostPath(path);
    // The link itself, not its target: FILE_FLAG_OPEN_REPARSE_POINT.
    const Opened file = Open(native.Value(), FILE_READ_ATTRIBUTES, FILE_FLAG_OPEN_REPARSE_POINT);
    if (!file.handle) return Win32Error("cannot open " + host, file.error);
    std::string buffer(kMaxReparseBytes, '\0');
    DWORD returned = 0;
    if (!::DeviceIoControl(file.handle.get(), FSCTL_GET_REPARSE_POINT, nullptr, 0, buffer.data(),
                           kMaxReparseBytes, &returned, nullptr)) {
      const DWORD error = ::GetLastError();
      if (error == ERROR_NOT_A_REPARSE_POINT) {
        return MakeError(ErrorKind::kInvalid, host + " is not a symbolic link");
      }
      return Win32Error("cannot read the link " + host, error);
    }
    buffer.resize(returned);
    auto target = ParseReparsePointTarget(buffer);
    if (!target.Ok()) return MakeError(ErrorKind::kInvalid, host + ": " + target.Err().message);
    return target;
  }

  Result<DirListing> ListDir(const std::string& path, std::size_t max_entries) const override {
    auto native = Native(path);
    if (!native.Ok()) return native.Err();
    const std::string host = HostPath(path);
    std::wstring pattern = native.Value();
    if (pattern.empty() || pattern.back() != L'\\') pattern += L'\\';
    pattern += L'*';
    WIN32_FIND_DATAW data{};
    // FindExInfoBasic skips the 8.3 short names nobody here needs.
    HANDLE raw = ::FindFirstFileExW(pattern.c_str(), FindExInfoBasic, &data, FindExSearchNameMatch,
                                    nullptr, FIND_FIRST_EX_LARGE_FETCH);
    DirListing listing;
    if (raw == INVALID_HANDLE_VALUE) {
      const DWORD error = ::GetLastError();
      // An empty drive root has no "." or "..", so nothing matches at all.
      if (error == ERROR_FILE_NOT_FOUND && IsDirectory(native.Value())) return listing;
      return Win32Error("cannot list " + host, error);
    }
    UniqueFind find(raw);
    do {
      const std::wstring_view name(data.cFileName);
      if (name == L"." || name == L"..") continue;
      if (listing.entries.size() >= max_entries) {
        listing.truncated = true;
        break;
      }
      listing.entries.push_back(DirEntry{win32::Narrow(name), TypeOf(data)});
    } while (::FindNextFileW(find.get(), &data));
    if (!listing.truncated) {
      const DWORD error = ::GetLastError();
      if (error != ERROR_NO_MORE_FILES && listing.entries.empty()) {
        return Win32Error("cannot list " + host, error);
      }
    }
    return listing;
  }

  Result<FileInfo> Stat(const std::string& path) const override {
    auto native = Native(path);
    if (!native.Ok()) return native.Err();
    const std::string host = HostPath(path);
    // Opening follows symbolic links, as stat(2) does.
    const Opened file = Open(native.Value(), FILE_READ_ATTRIBUTES, 0);
    if (!file.handle) return Win32Error("cannot stat " + host, file.error);
    BY_HANDLE_FILE_INFORMATION info{};
    if (!::GetFileInformationByHandle(file.handle.get(), &info)) {
      return LastError("cannot stat ", host);
    }
    FileInfo result;
    if ((info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
      result.type = FileType::kDirectory;
    } else if (::GetFileType(file.handle.get()) == FILE_TYPE_DISK) {
      result.type = FileType::kRegular;
    }
    result.size = Join(info.nFileSizeHigh, info.nFileSizeLow);
    result.mtime_unix = UnixSeconds(info.ftLastWriteTime);
    result.mode = 0;  // Windows has ACLs, not permission bits
    return result;
  }

  Result<SpaceInfo> Space(const std::string& path) const override {
    auto info = Stat(path);
    if (!info.Ok()) return info.Err();
    auto native = Native(path);
    if (!native.Ok()) return native.Err();
    // GetDiskFreeSpaceExW wants a directory, with a trailing backslash.
    std::wstring directory = native.Value();
    if (info.Value().type != FileType::kDirectory) {
      const auto slash = directory.find_last_of(L'\\');
      if (slash != std::wstring::npos) directory.resize(slash);
    }
    if (directory.empty() || directory.back() != L'\\') directory += L'\\';
    const std::string host = HostPath(path);
    ULARGE_INTEGER available{};
    ULARGE_INTEGER total{};
    if (!::GetDiskFreeSpaceExW(directory.c_str(), &available, &total, nullptr)) {
      return LastError("cannot get the free space of ", host);
    }
    // "available" honours the caller's disk quota, as df shows what an unprivileged user may use.
    return SpaceInfo{total.QuadPart, available.QuadPart};
  }

  std::string HostPath(const std::string& path) const override {
    if (live_ && IsWindowsAbsolute(path)) return path;
    std::size_t start = 0;
    while (start < path.size() && IsSeparator(path[start])) ++start;
    std::string host = root_ + "\\";
    for (std::size_t i = start; i < path.size(); ++i) host += path[i] == '/' ? '\\' : path[i];
    return host;
  }

  bool IsLiveRoot() const override { return live_; }

 private:
  // The wide path for the Win32 calls, with the \\?\ prefix when it is long.
  Result<std::wstring> Native(const std::string& path) const {
    if (!live_ && IsWindowsAbsolute(path)) {
      return MakeError(ErrorKind::kInvalid,
                       path + " is a Windows path, which cannot be mapped below the root " + root_);
    }
    auto wide = win32::Wide(HostPath(path), "the path " + path);
    if (!wide.Ok()) return wide.Err();
    std::wstring native = std::move(wide).Value();
    for (wchar_t& c : native) {
      if (c == L'/') c = L'\\';
    }
    if (native.size() >= kLongPathFrom && native.rfind(L"\\\\?\\", 0) != 0) {
      native =
          native.rfind(L"\\\\", 0) == 0 ? L"\\\\?\\UNC\\" + native.substr(2) : L"\\\\?\\" + native;
    }
    return native;
  }

  struct Opened {
    UniqueHandle handle;  // empty on failure
    DWORD error = ERROR_SUCCESS;
  };

  // Readers and writers of the file (a log being appended to) keep working while it is open.
  // FILE_FLAG_BACKUP_SEMANTICS lets a directory open too, so it can be told apart.
  static Opened Open(const std::wstring& native, DWORD access, DWORD flags) {
    HANDLE raw = ::CreateFileW(native.c_str(), access,
                               FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                               OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | flags, nullptr);
    if (raw == INVALID_HANDLE_VALUE) return Opened{UniqueHandle(), ::GetLastError()};
    return Opened{UniqueHandle(raw), ERROR_SUCCESS};
  }

  static bool IsDirectory(const std::wstring& native) {
    const DWORD attributes = ::GetFileAttributesW(native.c_str());
    return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
  }

  static FileType TypeOf(const WIN32_FIND_DATAW& data) {
    // For a reparse point, dwReserved0 holds its tag (WIN32_FIND_DATAW documentation).
    if ((data.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0 &&
        (data.dwReserved0 == IO_REPARSE_TAG_SYMLINK ||
         data.dwReserved0 == IO_REPARSE_TAG_MOUNT_POINT)) {
      return FileType::kSymlink;
    }
    if ((data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0) return FileType::kDirectory;
    if ((data.dwFileAttributes & FILE_ATTRIBUTE_DEVICE) != 0) return FileType::kOther;
    return FileType::kRegular;
  }

  Result<std::string> Read(const std::string& path, std::size_t max_bytes, bool tail) const {
    auto native = Native(path);
    if (!native.Ok()) return native.Err();
    const std::string host = HostPath(path);
    const Opened file = Open(native.Value(), GENERIC_READ, FILE_FLAG_SEQUENTIAL_SCAN);
    if (!file.handle) return Win32Error("cannot open " + host, file.error);
    BY_HANDLE_FILE_INFORMATION info{};
    if (!::GetFileInformationByHandle(file.handle.get(), &info)) {
      return LastError("cannot stat ", host);
    }
    // A directory or a device (a pipe planted where a file is expected) is not read.
    if ((info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0 ||
        ::GetFileType(file.handle.get()) != FILE_TYPE_DISK) {
      return MakeError(ErrorKind::kInvalid, host + " is not a regular file");
    }
    const std::uint64_t size = Join(info.nFileSizeHigh, info.nFileSizeLow);
    const auto too_large = [&] {
      return MakeError(ErrorKind::kTooLarge,
                       host + " is larger than " + std::to_string(max_bytes) + " bytes");
    };
    if (!tail && size > max_bytes) return too_large();
    if (tail && size > max_bytes) {
      LARGE_INTEGER offset{};
      offset.QuadPart = static_cast<LONGLONG>(size - max_bytes);
      if (!::SetFilePointerEx(file.handle.get(), offset, nullptr, FILE_BEGIN)) {
        return LastError("cannot seek in ", host);
      }
    }
    // The size is only a hint: the file may grow while it is read, so the bound is kept here too.
    std::string data;
    std::string buffer(kReadChunk, '\0');
    while (true) {
      DWORD n = 0;
      if (!::ReadFile(file.handle.get(), buffer.data(), kReadChunk, &n, nullptr)) {
        return LastError("cannot read ", host);
      }
      if (n == 0) break;
      data.append(buffer.data(), n);
      if (data.size() > max_bytes) {
        if (!tail) return too_large();
        data.erase(0, data.size() - max_bytes);
      }
    }
    return data;
  }

  std::string root_;
  bool live_ = true;
};

}  // namespace

std::unique_ptr<FileSystem> MakeFileSystem(const std::string& root) {
  return std::make_unique<WindowsFileSystem>(root);
}

}  // namespace preflight
