#include "orchestrator/run/seccomp_path.h"

#include <unistd.h>

#include <filesystem>

#include "sandbox/seccomp.h"

namespace snaprun::orchestrator {

Result<std::string> SeccompProfilePath(SeccompChoice choice) {
  std::string file = std::string(SeccompChoiceName(choice)) + ".json";
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return Error(ErrorCode::kSystem, "read /proc/self/exe: " + ec.message(), ec.value());
  std::string path = (exe.parent_path().parent_path() / "share/snaprun/seccomp" / file).string();
  if (::access(path.c_str(), R_OK) != 0) {
    return Error(ErrorCode::kNotFound, "seccomp profile " + path +
                                           " is missing: reinstall snaprun (the run did not "
                                           "start without its filter)");
  }
  return path;
}

Result<sandbox::SeccompProfile> LoadSeccompProfile(SeccompChoice choice) {
  std::string path = SNAPRUN_TRY(SeccompProfilePath(choice));
  return sandbox::LoadSeccompProfileFile(path);
}

}  // namespace snaprun::orchestrator
