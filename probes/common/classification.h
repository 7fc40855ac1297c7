#pragma once

namespace preflight {

// How a program that watches file access relates to MDE: a fanotify holder on Linux, a
// file-system minifilter on Windows. The report's `fanotify_users[].classification` and
// `minifilters[].classification` (DESIGN.md report contract).
enum class Classification {
  kMde,       // MDE's own (wdavdaemon; WdFilter, MsSecFlt, ...)
  kAllowed,   // supported alongside MDE
  kConflict,  // can block file access next to MDE
  kNotify,    // watches without blocking
};

// "mde", "allowed", "conflict", "notify".
const char* ClassificationName(Classification value);

}  // namespace preflight
