#include "probes/linux/package_query.h"

#include <algorithm>
#include <chrono>

#include "platform/file_system.h"
#include "platform/process_runner.h"
#include "platform/text.h"
#include "probes/common/dpkg_status.h"
#include "probes/common/package_text.h"
#include "probes/common/tree_links.h"

namespace preflight {
namespace {

using std::chrono::milliseconds;

constexpr const char* kDpkgStatus = "/var/lib/dpkg/status";
// rpm's database: /var/lib/rpm (rpm < 4.17 default, RHEL 7-9), /usr/lib/sysimage/rpm (Fedora 36+,
// RHEL 10; rpm 4.17 release notes), each possibly a link to the other.
constexpr const char* kRpmDatabases[] = {"/var/lib/rpm", "/usr/lib/sysimage/rpm"};
constexpr const char* kRpmPrograms[] = {"/usr/bin/rpm", "/bin/rpm"};
// dpkg's status database holds ~1 KiB per package (735 KiB for 817 packages on a Debian 12
// server); 16 MiB covers ~15,000 packages while bounding memory on a hostile file.
constexpr std::size_t kMaxDpkgStatusBytes = std::size_t{16} * 1024 * 1024;
// `rpm -q` only reads the local database; 10 s covers a slow disk or a briefly locked database.
constexpr milliseconds kRpmTimeout{10'000};
// One short line per package asked; 64 KiB bounds a misbehaving program.
constexpr std::size_t kMaxRpmOutput = std::size_t{64} * 1024;

void AskDpkg(const std::string& text, const std::vector<std::string>& names, PackageQuery& query) {
  for (const std::string& name : names) {
    const DpkgPackage found = ParseDpkgStatus(text, name);
    query.packages[name] = {found.Installed(), found.version, found.architecture,
                            found.found ? found.want + " " + found.state : std::string()};
  }
}

// The tree's rpm database directory, links followed inside the tree; empty when there is none.
std::string RpmDatabase(const FileSystem& fs) {
  for (const char* path : kRpmDatabases) {
    std::string real = ResolveInTree(fs, path);
    auto info = fs.Stat(real);
    if (info.Ok() && info.Value().type == FileType::kDirectory) return real;
  }
  return {};
}

std::string FirstLine(const std::string& text) {
  return text.substr(0, std::min<std::size_t>(text.find('\n'), 200));
}

void AskRpm(const Context& ctx, const std::vector<std::string>& names, PackageQuery& query) {
  std::vector<std::string> argv = {""};
  if (!ctx.fs.IsLiveRoot()) {
    argv.insert(argv.end(), {"--root", ctx.fs.HostPath("/"), "--dbpath", query.database});
  }
  argv.insert(argv.end(), {"-q", "--qf", kRpmQueryFormat});
  argv.insert(argv.end(), names.begin(), names.end());
  Result<ProcessOutput> run = MakeError(ErrorKind::kNotFound, "no rpm program");
  for (const char* program : kRpmPrograms) {
    // On the running machine the tree is the machine; under --root the program is the host's.
    if (ctx.fs.IsLiveRoot() && !ctx.fs.Exists(program)) continue;
    argv[0] = program;
    run = ctx.processes.Run(argv, std::min(kRpmTimeout, ctx.Remaining()), kMaxRpmOutput);
    if (run.Ok() || run.Err().kind != ErrorKind::kNotFound) break;
  }
  if (!run.Ok()) {
    query.error = run.Err().kind == ErrorKind::kNotFound
                      ? "the tree has an rpm database (" + query.database +
                            ") but no rpm program was found to read it (install the rpm package)"
                      : "rpm -q " + Join(names, " ") + " failed: " + run.Err().message;
    return;
  }
  const ProcessOutput& out = run.Value();
  const RpmQueryOutput parsed = ParseRpmQuery(out.out);
  // rpm -q exits with the number of packages not installed (rpm(8)); a damaged or locked database
  // also exits non-zero but says so on stderr and answers nothing.
  if (out.truncated || parsed.installed.size() + parsed.not_installed.size() < names.size()) {
    query.error = "rpm -q exited with " + std::to_string(out.exit_code) + ": " +
                  FirstLine(out.err.empty() ? out.out : out.err);
    return;
  }
  for (const std::string& name : names) query.packages[name] = {};
  for (const RpmQueryLine& line : parsed.installed) {
    query.packages[line.name] = {true, line.version, line.arch, "installed"};
  }
}

}  // namespace

const PackageAnswer* PackageQuery::Installed(const std::string& name) const {
  const auto it = packages.find(name);
  return it != packages.end() && it->second.installed ? &it->second : nullptr;
}

PackageQuery QueryPackages(const Context& ctx, const std::vector<std::string>& names) {
  PackageQuery query;
  const Result<std::string> dpkg = ctx.fs.ReadFile(kDpkgStatus, kMaxDpkgStatusBytes);
  if (dpkg.Ok() || dpkg.Err().kind != ErrorKind::kNotFound) {
    query.manager = "dpkg";
    query.database = kDpkgStatus;
    if (!dpkg.Ok()) {
      query.error = "cannot read the dpkg database: " + dpkg.Err().message;
    } else {
      AskDpkg(dpkg.Value(), names, query);
    }
    return query;
  }
  query.database = RpmDatabase(ctx.fs);
  const bool live_rpm =
      ctx.fs.IsLiveRoot() && std::any_of(std::begin(kRpmPrograms), std::end(kRpmPrograms),
                                         [&](const char* p) { return ctx.fs.Exists(p); });
  if (query.database.empty() && !live_rpm) return query;
  query.manager = "rpm";
  if (!names.empty()) AskRpm(ctx, names, query);
  return query;
}

}  // namespace preflight
