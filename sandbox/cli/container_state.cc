#include "sandbox/cli/container_state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "sandbox/base/atomic_file.h"
#include "sandbox/base/fd_passing.h"
#include "sandbox/base/syscall.h"

namespace snaprun::sandbox::cli {
namespace {

Error NoSuchContainer(const std::string& id) {
  return Error(ErrorCode::kNotFound, "container " + id + " does not exist");
}

// A path to NAME inside DIR short enough for sockaddr_un: /proc/self/fd/N/NAME,
// valid while DIR_FD is open.
std::string ShortPath(int dir_fd, const char* name) {
  return "/proc/self/fd/" + std::to_string(dir_fd) + "/" + name;
}

Result<sockaddr_un> ControlAddress(int dir_fd) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::string path = ShortPath(dir_fd, "ctl.sock");
  if (path.size() >= sizeof address.sun_path) {
    return Error(ErrorCode::kInternal, "control socket path too long: " + path);
  }
  memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

Result<UniqueFd> OpenDir(const std::string& dir) {
  UniqueFd fd(open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return Error::FromErrno("open", dir);
  return fd;
}

}  // namespace

std::string DefaultStateRoot() {
  if (getuid() == 0) return "/run/snaprun-sandbox";
  const char* runtime = getenv("XDG_RUNTIME_DIR");
  if (runtime != nullptr && runtime[0] != '\0') return std::string(runtime) + "/snaprun-sandbox";
  return "/tmp/snaprun-sandbox-" + std::to_string(getuid());
}

Result<void> ValidateId(const std::string& id) {
  auto allowed = [](char c) { return isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                                     c == '.' || c == '-'; };
  bool ok = !id.empty() && id.size() <= 255 && isalnum(static_cast<unsigned char>(id[0])) &&
            std::all_of(id.begin(), id.end(), allowed);
  if (!ok) {
    return Error(ErrorCode::kInvalidInput,
                 "invalid container id '" + id + "': use [A-Za-z0-9][A-Za-z0-9_.-]*");
  }
  return Ok();
}

std::string ContainerDir(const std::string& root, const std::string& id) { return root + "/" + id; }

Result<UniqueFd> LockContainer(const std::string& root, const std::string& id) {
  SNAPRUN_TRY(ValidateId(id));
  std::string path = ContainerDir(root, id) + "/lock";
  UniqueFd fd(open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return NoSuchContainer(id);
    return Error::FromErrno("open", path);
  }
  if (RetryOnEintr([&] { return flock(fd.get(), LOCK_EX); }) != 0) {
    return Error::FromErrno("flock", path);
  }
  // Deleted while we waited: the lock file is unlinked with its directory.
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || st.st_nlink == 0) return NoSuchContainer(id);
  return fd;
}

Result<UniqueFd> CreateContainerDir(const std::string& root, const std::string& id) {
  SNAPRUN_TRY(ValidateId(id));
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  if (ec) return Error(ErrorCode::kSystem, "creating state root " + root + ": " + ec.message());
  chmod(root.c_str(), 0700);
  std::string dir = ContainerDir(root, id);
  if (mkdir(dir.c_str(), 0700) != 0) {
    if (errno == EEXIST) {
      return Error(ErrorCode::kAlreadyExists, "container " + id + " already exists");
    }
    return Error::FromErrno("mkdir", dir);
  }
  std::string path = dir + "/lock";
  UniqueFd fd(open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) return Error::FromErrno("open", path);
  if (flock(fd.get(), LOCK_EX) != 0) return Error::FromErrno("flock", path);
  return fd;
}

Result<void> RemoveContainerDir(const std::string& root, const std::string& id) {
  std::error_code ec;
  std::filesystem::remove_all(ContainerDir(root, id), ec);
  if (ec) return Error(ErrorCode::kSystem, "removing the state of " + id + ": " + ec.message());
  return Ok();
}

Result<ContainerRecord> ReadRecord(const std::string& dir) {
  std::string text = SNAPRUN_TRY(ReadFile(dir + "/state.json", 1 << 20));
  ContainerRecord record;
  try {
    auto object = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    record.id = object->getValue<std::string>("id");
    record.bundle = object->getValue<std::string>("bundle");
    record.status = object->getValue<std::string>("status");
    record.created = object->optValue<std::string>("created", "");
    record.cgroup = object->optValue<std::string>("cgroup", "");
    record.pid = object->getValue<int>("pid");
    record.monitor_pid = object->getValue<int>("monitorPid");
    record.owner = object->getValue<unsigned>("owner");
    if (object->has("exitStatus")) record.exit_status = object->getValue<int>("exitStatus");
    std::ostringstream annotations;
    auto value = object->getObject("annotations");
    if (value) value->stringify(annotations);
    record.annotations_json = value ? annotations.str() : "{}";
  } catch (const Poco::Exception& e) {
    return Error(ErrorCode::kCorrupt, dir + "/state.json: " + e.displayText());
  }
  return record;
}

Result<void> WriteRecord(const std::string& dir, const ContainerRecord& record) {
  Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
  object.set("id", record.id);
  object.set("bundle", record.bundle);
  object.set("status", record.status);
  object.set("created", record.created);
  object.set("cgroup", record.cgroup);
  object.set("pid", static_cast<int>(record.pid));
  object.set("monitorPid", static_cast<int>(record.monitor_pid));
  object.set("owner", static_cast<unsigned>(record.owner));
  if (record.exit_status) object.set("exitStatus", *record.exit_status);
  try {
    object.set("annotations", Poco::JSON::Parser().parse(record.annotations_json));
  } catch (const Poco::Exception&) {
    object.set("annotations", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
  }
  std::ostringstream out;
  object.stringify(out);
  return WriteFileAtomic(dir + "/state.json", out.str() + "\n", 0600);
}

std::string LiveStatus(const std::string& dir, const ContainerRecord& record) {
  if (record.status == "stopped") return record.status;
  UniqueFd fd(open((dir + "/monitor.lock").c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return "stopped";
  if (flock(fd.get(), LOCK_SH | LOCK_NB) == 0) return "stopped";
  return record.status;
}

std::string StateJson(const ContainerRecord& record, const std::string& status) {
  Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
  object.set("ociVersion", "1.0.2");
  object.set("id", record.id);
  object.set("status", status);
  object.set("pid", status == "stopped" ? 0 : static_cast<int>(record.pid));
  object.set("bundle", record.bundle);
  try {
    object.set("annotations", Poco::JSON::Parser().parse(record.annotations_json));
  } catch (const Poco::Exception&) {
    object.set("annotations", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
  }
  object.set("created", record.created);
  object.set("owner", std::to_string(record.owner));
  std::ostringstream out;
  object.stringify(out, 2);
  return out.str();
}

Result<UniqueFd> HoldMonitorLock(const std::string& dir) {
  std::string path = dir + "/monitor.lock";
  UniqueFd fd(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return Error::FromErrno("open", path);
  if (flock(fd.get(), LOCK_EX | LOCK_NB) != 0) return Error::FromErrno("flock", path);
  return fd;
}

Result<UniqueFd> ListenControl(const std::string& dir) {
  UniqueFd dir_fd = SNAPRUN_TRY(OpenDir(dir));
  sockaddr_un address = SNAPRUN_TRY(ControlAddress(dir_fd.get()));
  UniqueFd fd(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return Error::FromErrno("socket", "control socket");
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return Error::FromErrno("bind", dir + "/ctl.sock");
  }
  if (listen(fd.get(), 8) != 0) return Error::FromErrno("listen", dir + "/ctl.sock");
  return fd;
}

namespace {

// Receives one message and the fds it carries (MSG_CMSG_CLOEXEC: none leaks into an exec).
Result<ControlReply> ReceiveReply(int fd) {
  char text[512];
  ControlReply reply;
  ssize_t n = ReceiveWithFds(fd, text, sizeof text, &reply.fds);
  if (n <= 0) return Error(ErrorCode::kSystem, "the container's monitor did not answer");
  reply.text.assign(text, static_cast<size_t>(n));
  return reply;
}

}  // namespace

Result<void> SendControlReply(int socket_fd, const std::string& text, const std::vector<int>& fds) {
  if (int err = SendWithFds(socket_fd, text.data(), text.size(), fds.data(), fds.size());
      err != 0) {
    return Error::FromErrno(err, "sendmsg", "control reply");
  }
  return Ok();
}

Result<ControlReply> ControlRequestFds(const std::string& dir, const std::string& request) {
  UniqueFd dir_fd = SNAPRUN_TRY(OpenDir(dir));
  sockaddr_un address = SNAPRUN_TRY(ControlAddress(dir_fd.get()));
  UniqueFd fd(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!fd) return Error::FromErrno("socket", "control socket");
  if (RetryOnEintr([&] {
        return connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address);
      }) != 0) {
    return Error::FromErrno("connect", "the container's monitor");
  }
  if (send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) < 0) {
    return Error::FromErrno("send", "the container's monitor");
  }
  return ReceiveReply(fd.get());
}

Result<std::string> ControlRequest(const std::string& dir, const std::string& request) {
  ControlReply reply = SNAPRUN_TRY(ControlRequestFds(dir, request));
  return std::move(reply.text);
}

std::vector<std::string> ListContainerIds(const std::string& root) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    if (entry.is_directory(ec) && ValidateId(entry.path().filename()).has_value()) {
      ids.push_back(entry.path().filename());
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<std::vector<NamespaceFd>> FetchNamespaces(const std::string& dir) {
  ControlReply reply = SNAPRUN_TRY(ControlRequestFds(dir, "namespaces"));
  std::stringstream words(reply.text);
  std::string word;
  if (!(words >> word) || word != "ok") {
    return Error(ErrorCode::kSystem,
                 "the container's monitor refused its namespaces: " + reply.text);
  }
  std::vector<NamespaceFd> namespaces;
  for (size_t i = 0; words >> word; ++i) {
    auto kind = NamespaceKindByProcName(word);
    if (!kind || i >= reply.fds.size()) {
      return Error(ErrorCode::kInternal, "unexpected namespace reply: " + reply.text);
    }
    namespaces.push_back({word, kind->clone_flag, std::move(reply.fds[i])});
  }
  return namespaces;
}

}  // namespace snaprun::sandbox::cli
