#include "orchestrator/run/host_etc.h"

#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "sandbox/base/atomic_file.h"

namespace snaprun::orchestrator {
namespace {

// Paths under /etc (shell patterns allowed in the first component) a program may read.
// Anything else of the host's /etc, secrets and site configuration alike, stays out.
constexpr const char* kAllowed[] = {
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d",             // the dynamic linker
    "alternatives",                                          // /usr/bin/awk → …
    "ssl/certs", "ssl/openssl.cnf", "ca-certificates", "ca-certificates.conf", "pki",
    "localtime", "timezone",                                 // time zone
    "nsswitch.conf", "host.conf", "gai.conf", "protocols", "services", "networks",
    "os-release", "debian_version", "lsb-release",
    "mime.types", "magic", "magic.mime", "terminfo", "fonts", "papersize",
    "python3", "python3.*", "R", "java-*", "openmpi", "ImageMagick-*", "gnuplot",
    "hosts", "resolv.conf",                                  // only with network: host
};

bool Exists(const std::string& path) {
  struct stat st{};
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

std::vector<std::string> HostEtcEntries(const std::string& etc_dir) {
  std::vector<std::string> found;
  std::vector<std::string> top;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(etc_dir, ec)) {
    top.push_back(entry.path().filename().string());
  }
  for (const char* pattern : kAllowed) {
    std::string_view p(pattern);
    if (p.find_first_of("*?[") == std::string_view::npos) {
      if (Exists(etc_dir + "/" + pattern)) found.emplace_back(pattern);
      continue;
    }
    for (const std::string& name : top) {
      if (::fnmatch(pattern, name.c_str(), FNM_PERIOD) == 0) found.push_back(name);
    }
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

Result<HostEtc> WriteHostEtc(const std::string& dir, const std::string& hostname) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return Error::FromErrno("mkdir", dir);
  SNAPRUN_TRY(WriteFileAtomic(dir + "/passwd",
                              "root:x:0:0:root:/tmp:/bin/sh\n"
                              "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"));
  SNAPRUN_TRY(WriteFileAtomic(dir + "/group", "root:x:0:\nnogroup:x:65534:\n"));
  SNAPRUN_TRY(WriteFileAtomic(dir + "/hosts",
                              "127.0.0.1\tlocalhost\n"
                              "::1\tlocalhost ip6-localhost ip6-loopback\n"
                              "127.0.1.1\t" + hostname + "\n"));
  return HostEtc{dir, HostEtcEntries()};
}

}  // namespace snaprun::orchestrator
