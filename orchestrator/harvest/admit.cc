#include "orchestrator/harvest/admit.h"

#include <cstdio>

namespace snaprun::orchestrator {
namespace {

std::string Octal(mode_t mode) {
  char buf[16];
  snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

}  // namespace

std::string WhyNotHarvested(const struct stat& st, uid_t sandbox_uid) {
  bool owned = st.st_uid == sandbox_uid;
  if (st.st_nlink > 1 && !owned) {
    return "a hard link (" + std::to_string(st.st_nlink) + " links) to a file of uid " +
           std::to_string(st.st_uid) + ", not of the run's user (uid " +
           std::to_string(sandbox_uid) + ")";
  }
  bool readable = owned ? (st.st_mode & S_IRUSR) != 0 : (st.st_mode & S_IROTH) != 0;
  if (!readable) {
    return "the run's user (uid " + std::to_string(sandbox_uid) + ") could not read it (mode " +
           Octal(st.st_mode) + ", owner uid " + std::to_string(st.st_uid) + ")";
  }
  return "";
}

AdmitFile SandboxFileRule(uid_t sandbox_uid) {
  return [sandbox_uid](const std::string&, const struct stat& st) {
    return WhyNotHarvested(st, sandbox_uid);
  };
}

}  // namespace snaprun::orchestrator
