#include "tests/windows/windows_test_support.h"

#include <atomic>
#include <stdexcept>

#include "platform/utf16.h"

namespace preflight::testing {

std::wstring W(const std::string& text) {
  const auto utf16 = Utf8ToUtf16(text);
  if (!utf16) throw std::invalid_argument("not UTF-8: " + text);
  return std::wstring(utf16->begin(), utf16->end());
}

std::string U(const std::wstring& text) {
  return Utf16ToUtf8(std::u16string(text.begin(), text.end()));
}

namespace {

void RemoveTree(const std::wstring& path) {
  WIN32_FIND_DATAW data{};
  HANDLE find = ::FindFirstFileW((path + L"\\*").c_str(), &data);
  if (find != INVALID_HANDLE_VALUE) {
    do {
      const std::wstring name = data.cFileName;
      if (name == L"." || name == L"..") continue;
      const std::wstring child = path + L"\\" + name;
      if ((data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0 &&
          (data.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) == 0) {
        RemoveTree(child);
      } else if ((data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
        ::RemoveDirectoryW(child.c_str());
      } else {
        ::SetFileAttributesW(child.c_str(), FILE_ATTRIBUTE_NORMAL);
        ::DeleteFileW(child.c_str());
      }
    } while (::FindNextFileW(find, &data));
    ::FindClose(find);
  }
  ::RemoveDirectoryW(path.c_str());
}

}  // namespace

TempDir::TempDir() {
  static std::atomic<unsigned> counter{0};
  wchar_t temp[MAX_PATH + 1] = {};
  const DWORD n = ::GetTempPathW(MAX_PATH + 1, temp);
  if (n == 0 || n > MAX_PATH) throw std::runtime_error("GetTempPathW failed");
  std::wstring base(temp, n);
  if (base.back() == L'\\') base.pop_back();
  const std::wstring path = base + L"\\mdp-test-" + std::to_wstring(::GetCurrentProcessId()) +
                            L"-" + std::to_wstring(counter.fetch_add(1));
  RemoveTree(path);
  if (!::CreateDirectoryW(path.c_str(), nullptr))
    throw std::runtime_error("CreateDirectoryW failed");
  path_ = U(path);
}

TempDir::~TempDir() { RemoveTree(W(path_)); }

void TempDir::WriteFile(const std::string& relative, const std::string& content) const {
  HANDLE file = ::CreateFileW(W(path_ + "\\" + relative).c_str(), GENERIC_WRITE, 0, nullptr,
                              CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) throw std::runtime_error("cannot create " + relative);
  DWORD written = 0;
  const BOOL ok =
      ::WriteFile(file, content.data(), static_cast<DWORD>(content.size()), &written, nullptr);
  ::CloseHandle(file);
  if (!ok || written != content.size()) throw std::runtime_error("cannot write " + relative);
}

void TempDir::MakeDir(const std::string& relative) const {
  if (!::CreateDirectoryW(W(path_ + "\\" + relative).c_str(), nullptr)) {
    throw std::runtime_error("cannot create directory " + relative);
  }
}

std::string SelfPath() {
  wchar_t path[32768] = {};
  const DWORD n = ::GetModuleFileNameW(nullptr, path, 32768);
  return U(std::wstring(path, n));
}

std::string SystemDirectory() {
  wchar_t path[MAX_PATH] = {};
  const UINT n = ::GetSystemDirectoryW(path, MAX_PATH);
  return U(std::wstring(path, n));
}

}  // namespace preflight::testing
