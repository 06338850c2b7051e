#include "orchestrator/run/seccomp_path.h"

#include <unistd.h>

#include <filesystem>

#include "sandbox/seccomp.h"

namespace snaprun::orchestrator {

Result<std::string> DefaultSeccompProfilePath() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::string beside =
      ec ? std::string()
         : (exe.parent_path().parent_path() / "share/snaprun/seccomp/default.json").string();
  if (!beside.empty() && ::access(beside.c_str(), R_OK) == 0) return beside;
  std::string source = SNAPRUN_SOURCE_DIR "/policies/seccomp/default.json";
  if (::access(source.c_str(), R_OK) == 0) return source;
  return Error(ErrorCode::kNotFound,
               "default seccomp profile not found at " + beside + " nor " + source);
}

Result<sandbox::SeccompProfile> LoadDefaultSeccompProfile() {
  std::string path = SNAPRUN_TRY(DefaultSeccompProfilePath());
  return sandbox::LoadSeccompProfileFile(path);
}

}  // namespace snaprun::orchestrator
