#include "sandbox/oci_config.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sandbox/capabilities.h"
#include "sandbox/oci_mounts.h"
#include "sandbox/seccomp.h"

namespace snaprun::sandbox {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

Result<void> ParseUser(OciReader& r, const Object::Ptr& o, const std::string& path, Process& p) {
  SNAPRUN_TRY(r.OnlyKeys(o, path, {"uid", "gid", "umask", "additionalGids"}));
  if (o->has("uid")) p.uid = SNAPRUN_TRY(r.U32(o->get("uid"), path + ".uid"));
  if (o->has("gid")) p.gid = SNAPRUN_TRY(r.U32(o->get("gid"), path + ".gid"));
  if (o->has("umask")) p.umask = SNAPRUN_TRY(r.U32(o->get("umask"), path + ".umask"));
  if (o->has("additionalGids")) {
    auto a = SNAPRUN_TRY(r.AsArray(o->get("additionalGids"), path + ".additionalGids"));
    for (size_t i = 0; i < a->size(); ++i) {
      p.additional_gids.push_back(SNAPRUN_TRY(r.U32(a->get(i), path + ".additionalGids")));
    }
  }
  return Ok();
}

Result<std::vector<int>> ParseCapList(OciReader& r, const Var& v, const std::string& path) {
  std::vector<int> caps;
  for (const auto& name : SNAPRUN_TRY(r.Strings(v, path))) {
    auto cap = CapabilityFromName(name);
    if (!cap) return r.Invalid(path, "unknown capability \"" + name + "\"");
    caps.push_back(*cap);
  }
  return caps;
}

Result<void> ParseCaps(OciReader& r, const Object::Ptr& o, const std::string& path,
                       CapabilitySets& c) {
  SNAPRUN_TRY(r.OnlyKeys(o, path, {"bounding", "effective", "inheritable", "permitted", "ambient"}));
  if (o->has("bounding")) c.bounding = SNAPRUN_TRY(ParseCapList(r, o->get("bounding"), path + ".bounding"));
  if (o->has("effective")) c.effective = SNAPRUN_TRY(ParseCapList(r, o->get("effective"), path + ".effective"));
  if (o->has("inheritable")) c.inheritable = SNAPRUN_TRY(ParseCapList(r, o->get("inheritable"), path + ".inheritable"));
  if (o->has("permitted")) c.permitted = SNAPRUN_TRY(ParseCapList(r, o->get("permitted"), path + ".permitted"));
  if (o->has("ambient")) c.ambient = SNAPRUN_TRY(ParseCapList(r, o->get("ambient"), path + ".ambient"));
  return Ok();
}

Result<int> RlimitFromName(OciReader& r, const std::string& name, const std::string& path) {
  static const std::pair<const char*, int> kNames[] = {
      {"RLIMIT_AS", RLIMIT_AS},         {"RLIMIT_CORE", RLIMIT_CORE},
      {"RLIMIT_CPU", RLIMIT_CPU},       {"RLIMIT_DATA", RLIMIT_DATA},
      {"RLIMIT_FSIZE", RLIMIT_FSIZE},   {"RLIMIT_LOCKS", RLIMIT_LOCKS},
      {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
      {"RLIMIT_NICE", RLIMIT_NICE},     {"RLIMIT_NOFILE", RLIMIT_NOFILE},
      {"RLIMIT_NPROC", RLIMIT_NPROC},   {"RLIMIT_RSS", RLIMIT_RSS},
      {"RLIMIT_RTPRIO", RLIMIT_RTPRIO}, {"RLIMIT_RTTIME", RLIMIT_RTTIME},
      {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING}, {"RLIMIT_STACK", RLIMIT_STACK}};
  for (const auto& [n, v] : kNames) {
    if (name == n) return v;
  }
  return r.Invalid(path, "unknown rlimit \"" + name + "\"");
}

Result<void> ParseRlimits(OciReader& r, const Var& v, const std::string& path, Process& p) {
  auto a = SNAPRUN_TRY(r.AsArray(v, path));
  for (size_t i = 0; i < a->size(); ++i) {
    std::string at = path + "[" + std::to_string(i) + "]";
    auto o = SNAPRUN_TRY(r.AsObject(a->get(i), at));
    SNAPRUN_TRY(r.OnlyKeys(o, at, {"type", "soft", "hard"}));
    Rlimit l;
    std::string type = SNAPRUN_TRY(r.Str(o->get("type"), at + ".type"));
    l.resource = SNAPRUN_TRY(RlimitFromName(r, type, at + ".type"));
    l.soft = SNAPRUN_TRY(r.U64(o->get("soft"), at + ".soft"));
    l.hard = SNAPRUN_TRY(r.U64(o->get("hard"), at + ".hard"));
    p.rlimits.push_back(l);
  }
  return Ok();
}

Result<void> ParseProcess(OciReader& r, const Object::Ptr& o, Config& c) {
  SNAPRUN_TRY(r.OnlyKeys(o, "process", {"terminal", "user", "args", "env", "cwd", "capabilities",
                                        "rlimits", "noNewPrivileges", "execCPUAffinity"}));
  Process& p = c.process;
  if (o->has("terminal")) p.terminal = SNAPRUN_TRY(r.Bool(o->get("terminal"), "process.terminal"));
  if (o->has("user")) {
    auto user = SNAPRUN_TRY(r.AsObject(o->get("user"), "process.user"));
    SNAPRUN_TRY(ParseUser(r, user, "process.user", p));
  }
  p.args = SNAPRUN_TRY(r.Strings(o->get("args"), "process.args"));
  if (o->has("env")) p.env = SNAPRUN_TRY(r.Strings(o->get("env"), "process.env"));
  p.cwd = SNAPRUN_TRY(r.Str(o->get("cwd"), "process.cwd"));
  if (o->has("capabilities")) {
    auto caps = SNAPRUN_TRY(r.AsObject(o->get("capabilities"), "process.capabilities"));
    SNAPRUN_TRY(ParseCaps(r, caps, "process.capabilities", p.capabilities));
  }
  if (o->has("rlimits")) SNAPRUN_TRY(ParseRlimits(r, o->get("rlimits"), "process.rlimits", p));
  if (o->has("execCPUAffinity")) SNAPRUN_TRY(ParseCpuAffinity(r, o->get("execCPUAffinity"), c));
  p.no_new_privileges = o->has("noNewPrivileges") &&
                        SNAPRUN_TRY(r.Bool(o->get("noNewPrivileges"), "process.noNewPrivileges"));
  return Ok();
}

Result<void> ParseRoot(OciReader& r, const Object::Ptr& o, const std::string& bundle, Config& c) {
  SNAPRUN_TRY(r.OnlyKeys(o, "root", {"path", "readonly"}));
  // Not SNAPRUN_TRY: GCC 12 sees the moved-out string as maybe-uninitialized here.
  Result<std::string> path = r.Str(o->get("path"), "root.path");
  if (!path) return std::move(path).error();
  c.rootfs = path->starts_with('/') ? *path : bundle + "/" + *path;
  c.rootfs_read_only = o->has("readonly") && SNAPRUN_TRY(r.Bool(o->get("readonly"), "root.readonly"));
  return Ok();
}

Result<void> ParseTop(OciReader& r, const Object::Ptr& top, const std::string& bundle, Config& c) {
  SNAPRUN_TRY(r.OnlyKeys(top, "", {"ociVersion", "process", "root", "mounts", "hostname",
                                   "domainname", "linux", "annotations", "hooks"}));
  std::string version = SNAPRUN_TRY(r.Str(top->get("ociVersion"), "ociVersion"));
  if (version.rfind("1.", 0) != 0) return r.Invalid("ociVersion", "unsupported version " + version);
  auto process = SNAPRUN_TRY(r.AsObject(top->get("process"), "process"));
  SNAPRUN_TRY(ParseProcess(r, process, c));
  auto root = SNAPRUN_TRY(r.AsObject(top->get("root"), "root"));
  SNAPRUN_TRY(ParseRoot(r, root, bundle, c));
  c.hostname = top->has("hostname") ? SNAPRUN_TRY(r.Str(top->get("hostname"), "hostname")) : "";
  c.domainname = top->has("domainname") ? SNAPRUN_TRY(r.Str(top->get("domainname"), "domainname")) : "";
  if (top->has("mounts")) SNAPRUN_TRY(ParseMounts(r, top->get("mounts"), c));
  if (top->has("hooks")) SNAPRUN_TRY(ParseHooks(r, top->get("hooks"), c));
  if (top->has("annotations")) SNAPRUN_TRY(ParseAnnotations(r, top->get("annotations"), c));
  // Without "linux" nothing is isolated: refuse rather than run on the host.
  auto linux_section = SNAPRUN_TRY(r.AsObject(top->get("linux"), "linux"));
  SNAPRUN_TRY(ParseLinux(r, linux_section, c));
  return Ok();
}

}  // namespace

Result<Config> ConfigFromOciJson(std::string_view json, const std::string& bundle,
                                 const std::string& origin) {
  OciReader reader(origin);
  Config config;
  config.masked_paths.clear();
  try {
    Poco::JSON::Parser parser;
    Var root = parser.parse(std::string(json));
    auto top = SNAPRUN_TRY(reader.AsObject(root, "(top level)"));
    SNAPRUN_TRY(ParseTop(reader, top, bundle, config));
  } catch (const Poco::Exception& e) {
    return Error(ErrorCode::kInvalidInput, "invalid JSON: " + e.displayText())
        .At(SourcePosition{origin, 0, 0});
  }
  return config;
}

Result<Process> ProcessFromOciJson(std::string_view json, const std::string& origin) {
  OciReader reader(origin);
  Config config;
  try {
    Var root = Poco::JSON::Parser().parse(std::string(json));
    auto process = SNAPRUN_TRY(reader.AsObject(root, "process"));
    SNAPRUN_TRY(ParseProcess(reader, process, config));
  } catch (const Poco::Exception& e) {
    return Error(ErrorCode::kInvalidInput, "invalid JSON: " + e.displayText())
        .At(SourcePosition{origin, 0, 0});
  }
  // Affinity is a container setting here (Config::cpu_affinity), not one an exec can change.
  if (!config.cpu_affinity.empty()) {
    return reader.Invalid("process.execCPUAffinity", "not supported for exec");
  }
  return config.process;
}

Result<Config> LoadOciBundle(const std::string& bundle_dir) {
  std::error_code ec;
  std::string bundle = std::filesystem::absolute(bundle_dir, ec).lexically_normal().string();
  if (ec) return Error::FromErrno(ec.value(), "resolve", bundle_dir);
  while (bundle.size() > 1 && bundle.back() == '/') bundle.pop_back();
  std::string path = bundle + "/config.json";
  std::ifstream in(path);
  if (!in) return Error::FromErrno("open", path);
  std::stringstream text;
  text << in.rdbuf();
  return ConfigFromOciJson(text.str(), bundle, path);
}

}  // namespace snaprun::sandbox

namespace snaprun::sandbox {

std::string StarterOciJson(bool rootless) {
  std::string maps = rootless ? R"(,
    "uidMappings": [{"containerID": 0, "hostID": )" + std::to_string(getuid()) +
                                    R"(, "size": 1}],
    "gidMappings": [{"containerID": 0, "hostID": )" + std::to_string(getgid()) +
                                    R"(, "size": 1}])"
                              : "";
  std::string masked;
  for (const auto& p : DefaultMaskedPaths()) masked += (masked.empty() ? "\"" : ", \"") + p + "\"";
  std::string readonly;
  for (const auto& p : DefaultReadonlyPaths()) readonly += (readonly.empty() ? "\"" : ", \"") + p + "\"";
  return R"({
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": {"uid": 0, "gid": 0},
    "args": ["sh"],
    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"],
    "cwd": "/",
    "noNewPrivileges": true,
    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]
  },
  "root": {"path": "rootfs", "readonly": true},
  "hostname": "sandbox",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs"},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts"},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm"},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "nodev", "size=67108864", "mode=1777"]}
  ],
  "linux": {
    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"},
                   {"type": "mount"}, {"type": "cgroup"}, {"type": "user"}],
    "maskedPaths": [)" + masked + R"(],
    "readonlyPaths": [)" + readonly + "]" + maps + R"(
  }
}
)";
}

}  // namespace snaprun::sandbox
