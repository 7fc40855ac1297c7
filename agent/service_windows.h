#pragma once

// Shared by service_host_windows.cpp and service_install_windows.cpp.

namespace preflight {

// The service's name in the SCM and the Event Log source's name.
inline constexpr wchar_t kServiceName[] = L"mde-preflight";
inline constexpr wchar_t kServiceDisplayName[] = L"MDE preflight";

}  // namespace preflight
