#include "platform/windows/win32_util.h"

#include "platform/utf16.h"

namespace preflight::win32 {

static_assert(sizeof(wchar_t) == sizeof(char16_t), "Windows wide strings are UTF-16");

Result<std::wstring> Wide(std::string_view text, std::string_view what) {
  auto utf16 = Utf8ToUtf16(text);
  if (!utf16) return MakeError(ErrorKind::kInvalid, std::string(what) + " is not valid UTF-8");
  return std::wstring(utf16->begin(), utf16->end());
}

std::string Narrow(std::wstring_view text) {
  return Utf16ToUtf8(std::u16string(text.begin(), text.end()));
}

ErrorKind KindOfWin32Error(DWORD code) {
  switch (code) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
    case ERROR_BAD_NETPATH:
    case ERROR_BAD_NET_NAME:
    case ERROR_NOT_READY:  // a removable drive with no medium
    case ERROR_DIRECTORY:  // a directory name that is a file
    case ERROR_SERVICE_DOES_NOT_EXIST:
      return ErrorKind::kNotFound;
    case ERROR_ACCESS_DENIED:
    case ERROR_PRIVILEGE_NOT_HELD:
      return ErrorKind::kPermission;
    case ERROR_INVALID_NAME:
    case ERROR_BAD_PATHNAME:
    case ERROR_FILENAME_EXCED_RANGE:
    case ERROR_INVALID_PARAMETER:
      return ErrorKind::kInvalid;
    case ERROR_MORE_DATA:
    case ERROR_INSUFFICIENT_BUFFER:
      return ErrorKind::kTooLarge;
    case ERROR_TIMEOUT:
    case WAIT_TIMEOUT:
      return ErrorKind::kTimeout;
    default:
      return ErrorKind::kOther;
  }
}

std::string Win32Message(DWORD code) {
  wchar_t* buffer = nullptr;
  const DWORD length = ::FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
  std::string text;
  if (length > 0 && buffer != nullptr) {
    text = Narrow(std::wstring_view(buffer, length));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
      text.pop_back();
    }
  }
  if (buffer != nullptr) ::LocalFree(buffer);
  if (text.empty()) text = "Windows error";
  return text + " (error " + std::to_string(code) + ")";
}

Error Win32Error(const std::string& what, DWORD code) {
  return MakeError(KindOfWin32Error(code), what + ": " + Win32Message(code));
}

Error LastError(std::string_view what, const std::string& subject) {
  const DWORD code = ::GetLastError();
  return Win32Error(std::string(what) + subject, code);
}

}  // namespace preflight::win32
