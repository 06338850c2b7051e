#include "images/host_image.h"

#include <sys/stat.h>

#include <algorithm>
#include <sstream>

#include "sandbox/base/atomic_file.h"
#include "sandbox/base/sha256.h"

namespace snaprun::images {
namespace {

constexpr const char* kCandidates[] = {"/usr",   "/bin",   "/sbin",   "/lib",
                                       "/lib32", "/lib64", "/libx32", "/etc"};

struct Stanza {
  std::string package, arch, version, status;
  void Flush(std::vector<std::string>& out) {
    if (!package.empty() && status.ends_with(" installed")) {
      out.push_back(package + ":" + arch + " " + version);
    }
    *this = {};
  }
};

std::vector<std::string> InstalledPackages(const std::string& status_text) {
  std::vector<std::string> out;
  std::istringstream in(status_text);
  Stanza stanza;
  for (std::string line; std::getline(in, line);) {
    if (line.empty())
      stanza.Flush(out);
    else if (line.starts_with("Package: "))
      stanza.package = line.substr(9);
    else if (line.starts_with("Architecture: "))
      stanza.arch = line.substr(14);
    else if (line.starts_with("Version: "))
      stanza.version = line.substr(9);
    else if (line.starts_with("Status: "))
      stanza.status = line.substr(8);
  }
  stanza.Flush(out);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::vector<std::string> HostImagePaths() {
  std::vector<std::string> paths;
  for (const char* path : kCandidates) {
    struct stat st {};
    if (::stat(path, &st) == 0 && S_ISDIR(st.st_mode)) paths.emplace_back(path);
  }
  return paths;
}

Result<std::string> HostPackagesDigest(const std::string& dpkg_status) {
  std::string text =
      SNAPRUN_TRY_CTX(ReadFile(dpkg_status, 256 << 20), "reading the host's package list");
  Sha256 hash;
  for (const std::string& line : InstalledPackages(text)) hash.Update(line + "\n");
  return "sha256:" + hash.HexDigest();
}

Result<ImageRecord> HostImageRecord() {
  ImageRecord record;
  record.digest = SNAPRUN_TRY(HostPackagesDigest());
  record.names = {kHostImageName};
  record.format = ImageFormat::kHost;
  record.source = "/var/lib/dpkg/status";
  record.host_paths = HostImagePaths();
  return record;
}

}  // namespace snaprun::images
