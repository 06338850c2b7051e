#include "orchestrator/run/run_dir.h"

#include <Poco/JSON/Object.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "images/image_record.h"
#include "orchestrator/run/run_config.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::orchestrator {

RunDir RunDirFor(const std::string& home, const std::string& run_id) {
  return RunDir{home + "/runs/" + run_id};
}

Result<RunDir> CreateRunDir(const std::string& home, const std::string& run_id) {
  std::string runs = home + "/runs";
  if (::mkdir(runs.c_str(), 0700) != 0 && errno != EEXIST) return Error::FromErrno("mkdir", runs);
  RunDir dir = RunDirFor(home, run_id);
  if (::mkdir(dir.root.c_str(), 0700) != 0) {
    if (errno == EEXIST) return Error(ErrorCode::kAlreadyExists, "run " + run_id + " exists");
    return Error::FromErrno("mkdir", dir.root);
  }
  for (const std::string& sub : {dir.logs(), dir.outputs()}) {
    if (::mkdir(sub.c_str(), 0755) != 0) return Error::FromErrno("mkdir", sub);
    if (::geteuid() == 0 && ::chown(sub.c_str(), kRootRunIdBase, kRootRunIdBase) != 0) {
      return Error::FromErrno("chown", sub);
    }
  }
  return dir;
}

Result<void> AppendEvent(const RunDir& dir, const std::string& event, const std::string& detail) {
  Poco::JSON::Object line;
  line.set("time", images::NowUtc());
  line.set("event", event);
  if (!detail.empty()) line.set("detail", detail);
  std::ostringstream out;
  line.stringify(out);
  out << "\n";
  std::string text = out.str();
  UniqueFd fd(::open(dir.events().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (!fd) return Error::FromErrno("open", dir.events());
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return Error::FromErrno("write", dir.events());
  }
  return Ok();
}

}  // namespace snaprun::orchestrator
