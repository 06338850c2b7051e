#include "sandbox/cgroup_files.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "sandbox/base/syscall.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::sandbox::cgroup_files {

Result<void> Write(const std::string& dir, const std::string& file, const std::string& value) {
  std::string path = dir + "/" + file;
  // O_TRUNC is what runc uses too: harmless on cgroupfs, right on a plain file.
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (!fd) return Error::FromErrno("open", path);
  ssize_t n = RetryOnEintr([&] { return ::write(fd.get(), value.data(), value.size()); });
  if (n < 0) return Error::FromErrno("write " + value + " to", path);
  return Ok();
}

std::optional<std::string> Read(const std::string& dir, const std::string& file) {
  std::ifstream in(dir + "/" + file);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::optional<uint64_t> ReadNumber(const std::string& dir, const std::string& file) {
  std::optional<std::string> text = Read(dir, file);
  if (!text) return std::nullopt;
  try {
    return std::stoull(*text);
  } catch (const std::exception&) {
    return std::nullopt;  // "max" and other words are not numbers
  }
}

std::optional<uint64_t> ReadKeyed(const std::string& dir, const std::string& file,
                                  const std::string& key) {
  std::optional<std::string> text = Read(dir, file);
  if (!text) return std::nullopt;
  std::istringstream lines(*text);
  std::string name;
  uint64_t value;
  while (lines >> name >> value) {
    if (name == key) return value;
  }
  return std::nullopt;
}

std::vector<pid_t> ReadPids(const std::string& dir) {
  std::istringstream procs(Read(dir, "cgroup.procs").value_or(""));
  std::vector<pid_t> pids;
  for (pid_t pid; procs >> pid;) pids.push_back(pid);
  return pids;
}

Result<void> MakeDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return Error::FromErrno("mkdir", dir);
  return Ok();
}

Result<void> KillAndRemove(const std::string& dir) {
  struct stat st{};
  if (::stat(dir.c_str(), &st) != 0) return Ok();  // already gone
  // Bounded: a process in D state may take a moment to die after SIGKILL.
  for (int attempt = 0; attempt < 500; ++attempt) {
    std::vector<pid_t> pids = ReadPids(dir);
    for (pid_t pid : pids) ::kill(pid, SIGKILL);
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return Ok();
    if (errno != EBUSY) return Error::FromErrno("rmdir", dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Error(ErrorCode::kSystem, "rmdir " + dir + ": cgroup still busy after killing its processes",
               EBUSY);
}

}  // namespace snaprun::sandbox::cgroup_files
