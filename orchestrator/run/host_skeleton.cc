#include "orchestrator/run/host_skeleton.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "sandbox/base/atomic_file.h"

namespace snaprun::orchestrator {
namespace {

constexpr const char* kDirs[] = {"usr", "etc", "proc", "dev", "sys", "tmp", "run",
                                 "snapshot", "workspace", "data", "var", "var/tmp"};
constexpr const char* kLinks[][2] = {
    {"bin", "usr/bin"}, {"lib", "usr/lib"}, {"lib64", "usr/lib64"}, {"sbin", "usr/sbin"}};

Result<void> Populate(const std::string& dir) {
  for (const char* name : kDirs) {
    std::string path = dir + "/" + name;
    if (::mkdir(path.c_str(), 0755) != 0) return Error::FromErrno("mkdir", path);
  }
  for (const auto& link : kLinks) {
    std::string path = dir + "/" + link[0];
    if (::symlink(link[1], path.c_str()) != 0) return Error::FromErrno("symlink", path);
  }
  return Ok();
}

}  // namespace

Result<std::string> EnsureHostSkeleton(const std::string& home) {
  std::string target = home + "/host-rootfs";
  struct stat st{};
  if (::lstat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return target;
  std::string temp = home + "/.host-rootfs.XXXXXX";
  if (::mkdtemp(temp.data()) == nullptr) return Error::FromErrno("mkdtemp", temp);
  ::chmod(temp.c_str(), 0755);
  auto populated = Populate(temp);
  if (populated && ::rename(temp.c_str(), target.c_str()) == 0) {
    SNAPRUN_TRY(SyncDirectory(home));
    return target;
  }
  int err = errno;
  std::error_code ignored;
  std::filesystem::remove_all(temp, ignored);
  if (!populated) return std::move(populated).error().Wrap("building " + target);
  // Another process renamed its skeleton first: theirs is as good as ours.
  if (err == EEXIST || err == ENOTEMPTY) return target;
  return Error::FromErrno(err, "rename", target);
}

}  // namespace snaprun::orchestrator
