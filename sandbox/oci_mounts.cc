#include "sandbox/oci_mounts.h"

#include <sched.h>

#include <Poco/JSON/Stringifier.h>

#include <cctype>
#include <cstdint>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

#include "sandbox/device_nodes.h"
#include "sandbox/namespaces.h"
#include "sandbox/oci_config.h"
#include "sandbox/seccomp.h"

namespace snaprun::sandbox {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

// Mounts the runtime always makes itself (fresh proc, minimal /dev): an OCI entry
// for them is accepted and satisfied by the runtime's own, stricter version.
bool ProvidedByRuntime(const std::string& type, const std::string& dest) {
  return (type == "proc" && dest == "/proc") || (type == "tmpfs" && dest == "/dev") ||
         (type == "devpts" && dest == "/dev/pts") ||
         ((type == "tmpfs" || type == "shm") && dest == "/dev/shm");
}

// tmpfs size= as mount(8) reads it: bytes, or a k/m/g suffix (KiB/MiB/GiB). Percent
// sizes are refused rather than guessed; so is anything after the number.
std::optional<uint64_t> ParseTmpfsSize(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 19 || text.size() - digits > 1) return std::nullopt;
  uint64_t value = std::stoull(text.substr(0, digits));
  int shift = 0;
  if (digits < text.size()) {
    switch (std::tolower(static_cast<unsigned char>(text[digits]))) {
      case 'k': shift = 10; break;
      case 'm': shift = 20; break;
      case 'g': shift = 30; break;
      default: return std::nullopt;
    }
  }
  if (value > (UINT64_MAX >> shift)) return std::nullopt;
  return value << shift;
}

// mode= is octal digits only, at most 07777.
std::optional<uint32_t> ParseMode(const std::string& text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  uint32_t mode = 0;
  for (char c : text) {
    if (c < '0' || c > '7') return std::nullopt;
    mode = mode * 8 + static_cast<uint32_t>(c - '0');
  }
  if (mode > 07777) return std::nullopt;
  return mode;
}

// The options without a value, one table for the parser and `features`.
struct FlagOption {
  std::string_view name;
  void (*apply)(Mount&);
};
constexpr FlagOption kFlagOptions[] = {
    {"ro", [](Mount& m) { m.read_only = true; }},
    {"rw", [](Mount& m) { m.read_only = false; }},
    {"nosuid", [](Mount& m) { m.nosuid = true; }},
    {"suid", [](Mount& m) { m.nosuid = false; }},
    {"nodev", [](Mount& m) { m.nodev = true; }},
    {"dev", [](Mount& m) { m.nodev = false; }},
    {"noexec", [](Mount& m) { m.noexec = true; }},
    {"exec", [](Mount& m) { m.noexec = false; }},
    {"bind", [](Mount& m) { m.type = MountType::kBind; m.recursive = false; }},
    {"rbind", [](Mount& m) { m.type = MountType::kBind; m.recursive = true; }},
    // The kernel's default atime mode, in runc's default spec on every mount.
    {"relatime", [](Mount&) {}},
    // Every mount here is private already.
    {"private", [](Mount&) {}},
    {"rprivate", [](Mount&) {}},
};

Result<void> ApplyOption(OciReader& r, const std::string& opt, const std::string& at, Mount& m) {
  auto value = [&](const char* prefix) { return opt.substr(std::string(prefix).size()); };
  for (const auto& flag : kFlagOptions) {
    if (opt == flag.name) {
      flag.apply(m);
      return Ok();
    }
  }
  if (opt.rfind("size=", 0) == 0) {
    auto size = ParseTmpfsSize(value("size="));
    if (!size) return r.Invalid(at, "bad size \"" + value("size=") + "\" (bytes, or k/m/g)");
    m.size_bytes = *size;
  } else if (opt.rfind("mode=", 0) == 0) {
    auto mode = ParseMode(value("mode="));
    if (!mode) return r.Invalid(at, "bad mode \"" + value("mode=") + "\" (octal, at most 07777)");
    m.mode = *mode;
  } else if (opt.rfind("lowerdir=", 0) == 0) {
    std::stringstream dirs(value("lowerdir="));
    for (std::string d; std::getline(dirs, d, ':');) m.overlay_lower.push_back(d);
  } else {
    return r.Invalid(at, "unsupported mount option \"" + opt + "\"");
  }
  return Ok();
}

Result<MountType> TypeFromName(OciReader& r, const std::string& type, const std::string& at) {
  if (type == "bind" || type == "none" || type.empty()) return MountType::kBind;
  if (type == "tmpfs") return MountType::kTmpfs;
  if (type == "overlay") return MountType::kOverlay;
  if (type == "mqueue") return MountType::kMqueue;
  if (type == "sysfs") return MountType::kSysfs;
  // runc mounts the unified hierarchy for "cgroup" on a cgroup v2 host; so does snaprun,
  // on any host (a v1 host's cgroup2 hierarchy holds no controllers).
  if (type == "cgroup" || type == "cgroup2") return MountType::kCgroup;
  return r.Invalid(at, "mount type \"" + type + "\" is not supported");
}

Result<void> ParseMount(OciReader& r, const Object::Ptr& o, const std::string& at, Config& c) {
  SNAPRUN_TRY(r.OnlyKeys(o, at, {"destination", "type", "source", "options"}));
  Mount m;
  m.destination = SNAPRUN_TRY(r.Str(o->get("destination"), at + ".destination"));
  std::string type = o->has("type") ? SNAPRUN_TRY(r.Str(o->get("type"), at + ".type")) : "";
  if (ProvidedByRuntime(type, m.destination)) return Ok();
  m.type = SNAPRUN_TRY(TypeFromName(r, type, at + ".type"));
  if (o->has("source")) m.source = SNAPRUN_TRY(r.Str(o->get("source"), at + ".source"));
  if (o->has("options")) {
    auto options = SNAPRUN_TRY(r.Strings(o->get("options"), at + ".options"));
    for (size_t i = 0; i < options.size(); ++i) {
      SNAPRUN_TRY(ApplyOption(r, options[i], at + ".options[" + std::to_string(i) + "]", m));
    }
  }
  if (m.type == MountType::kBind && type != "bind" && type != "none" && !type.empty()) {
    return r.Invalid(at + ".type", "bind options on a \"" + type + "\" mount");
  }
  c.mounts.push_back(std::move(m));
  return Ok();
}

// A "path" entry joins that namespace instead of creating one (joined_namespaces.h);
// each kind may appear once.
Result<void> ParseNamespaces(OciReader& r, const Var& v, Config& c) {
  auto a = SNAPRUN_TRY(r.AsArray(v, "linux.namespaces"));
  c.namespaces = NamespaceSet{false, false, false, false, false, false};
  c.network = Network::kHost;
  std::set<std::string> seen;
  for (size_t i = 0; i < a->size(); ++i) {
    std::string at = "linux.namespaces[" + std::to_string(i) + "]";
    auto o = SNAPRUN_TRY(r.AsObject(a->get(i), at));
    SNAPRUN_TRY(r.OnlyKeys(o, at, {"type", "path"}));
    std::string type = SNAPRUN_TRY(r.Str(o->get("type"), at + ".type"));
    const NamespaceKind* kind = nullptr;
    for (const auto& k : NamespaceKinds()) {
      if (type == k.oci_name) kind = &k;
    }
    if (kind == nullptr) return r.Invalid(at + ".type", "unknown namespace \"" + type + "\"");
    if (!seen.insert(type).second) {
      return r.Invalid(at + ".type", "the " + type + " namespace is listed twice");
    }
    if (o->has("path")) {
      std::string path = SNAPRUN_TRY(r.Str(o->get("path"), at + ".path"));
      if (path.empty() || path[0] != '/') {
        return r.Invalid(at + ".path", "must be an absolute path");
      }
      constexpr int kJoinable = CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;
      int flag = kind->clone_flag;
      if ((flag & kJoinable) == 0) {
        return r.Invalid(at + ".path", "joining an existing " + type +
                                           " namespace is not supported (network, ipc, uts "
                                           "and cgroup namespaces can be joined)");
      }
      c.joined_namespaces.push_back({flag, path});
      if (flag == CLONE_NEWNET) c.network = Network::kJoined;
      continue;
    }
    if (type == "user") c.namespaces.user = true;
    else if (type == "mount") c.namespaces.mount = true;
    else if (type == "pid") c.namespaces.pid = true;
    else if (type == "uts") c.namespaces.uts = true;
    else if (type == "ipc") c.namespaces.ipc = true;
    else if (type == "cgroup") c.namespaces.cgroup = true;
    else if (type == "network") c.network = Network::kNone;
    else if (type == "time") c.time_offsets = c.time_offsets.value_or(TimeOffsets{});
  }
  return Ok();
}

Result<std::vector<IdMapping>> ParseIdMappings(OciReader& r, const Var& v, const std::string& path) {
  auto a = SNAPRUN_TRY(r.AsArray(v, path));
  std::vector<IdMapping> maps;
  for (size_t i = 0; i < a->size(); ++i) {
    std::string at = path + "[" + std::to_string(i) + "]";
    auto o = SNAPRUN_TRY(r.AsObject(a->get(i), at));
    SNAPRUN_TRY(r.OnlyKeys(o, at, {"containerID", "hostID", "size"}));
    maps.push_back({SNAPRUN_TRY(r.U32(o->get("containerID"), at + ".containerID")),
                    SNAPRUN_TRY(r.U32(o->get("hostID"), at + ".hostID")),
                    SNAPRUN_TRY(r.U32(o->get("size"), at + ".size"))});
  }
  return maps;
}

// Stored in Config.resources; plan.cc enforces memory and pids through rlimits until
// cgroups exist and refuses the rest. Device rules: see device_nodes.h.
Result<void> ParseResources(OciReader& r, const Object::Ptr& o, Config& c) {
  Resources& res = c.resources;
  const std::string p = "linux.resources";
  SNAPRUN_TRY(r.OnlyKeys(o, p, {"memory", "pids", "cpu", "devices"}));
  if (o->has("devices")) SNAPRUN_TRY(ParseDeviceRules(r, o->get("devices"), c));
  if (o->has("memory")) {
    auto m = SNAPRUN_TRY(r.AsObject(o->get("memory"), p + ".memory"));
    SNAPRUN_TRY(r.OnlyKeys(m, p + ".memory", {"limit", "swap", "reservation"}));
    if (m->has("limit")) res.memory_max_bytes = SNAPRUN_TRY(r.U64(m->get("limit"), p + ".memory.limit"));
    if (m->has("swap")) res.memory_swap_max_bytes = SNAPRUN_TRY(r.U64(m->get("swap"), p + ".memory.swap"));
    if (m->has("reservation")) {
      res.memory_low_bytes = SNAPRUN_TRY(r.U64(m->get("reservation"), p + ".memory.reservation"));
    }
  }
  if (o->has("pids")) {
    auto m = SNAPRUN_TRY(r.AsObject(o->get("pids"), p + ".pids"));
    SNAPRUN_TRY(r.OnlyKeys(m, p + ".pids", {"limit"}));
    res.pids_max = static_cast<int64_t>(SNAPRUN_TRY(r.U64(m->get("limit"), p + ".pids.limit")));
  }
  if (o->has("cpu")) {
    auto m = SNAPRUN_TRY(r.AsObject(o->get("cpu"), p + ".cpu"));
    SNAPRUN_TRY(r.OnlyKeys(m, p + ".cpu", {"quota", "period", "shares", "cpus"}));
    if (m->has("quota")) res.cpu_quota_us = SNAPRUN_TRY(r.U64(m->get("quota"), p + ".cpu.quota"));
    if (m->has("period")) res.cpu_period_us = SNAPRUN_TRY(r.U64(m->get("period"), p + ".cpu.period"));
    if (m->has("shares")) res.cpu_shares = SNAPRUN_TRY(r.U64(m->get("shares"), p + ".cpu.shares"));
    if (m->has("cpus")) res.cpuset_cpus = SNAPRUN_TRY(r.Str(m->get("cpus"), p + ".cpu.cpus"));
  }
  return Ok();
}

Result<void> ParseSeccomp(OciReader& r, const Var& v, Config& c) {
  auto o = SNAPRUN_TRY(r.AsObject(v, "linux.seccomp"));
  std::ostringstream text;
  Poco::JSON::Stringifier::stringify(o, text);
  c.seccomp = SNAPRUN_TRY_CTX(SeccompProfileFromJson(text.str(), "linux.seccomp"), "linux.seccomp");
  return Ok();
}

}  // namespace

Result<void> ParseMounts(OciReader& r, const Var& v, Config& c) {
  auto a = SNAPRUN_TRY(r.AsArray(v, "mounts"));
  for (size_t i = 0; i < a->size(); ++i) {
    std::string at = "mounts[" + std::to_string(i) + "]";
    auto mount = SNAPRUN_TRY(r.AsObject(a->get(i), at));
    SNAPRUN_TRY(ParseMount(r, mount, at, c));
  }
  return Ok();
}

Result<void> ParseLinux(OciReader& r, const Object::Ptr& o, Config& c) {
  SNAPRUN_TRY(r.OnlyKeys(o, "linux", {"namespaces", "uidMappings", "gidMappings", "seccomp",
                                      "maskedPaths", "readonlyPaths", "resources",
                                      "rootfsPropagation", "timeOffsets", "sysctl", "devices"}));
  SNAPRUN_TRY(ParseNamespaces(r, o->get("namespaces"), c));
  if (o->has("sysctl")) SNAPRUN_TRY(ParseSysctl(r, o->get("sysctl"), c));
  if (o->has("timeOffsets")) SNAPRUN_TRY(ParseTimeOffsets(r, o->get("timeOffsets"), c));
  if (o->has("uidMappings")) c.uid_mappings = SNAPRUN_TRY(ParseIdMappings(r, o->get("uidMappings"), "linux.uidMappings"));
  if (o->has("gidMappings")) c.gid_mappings = SNAPRUN_TRY(ParseIdMappings(r, o->get("gidMappings"), "linux.gidMappings"));
  if (o->has("seccomp")) SNAPRUN_TRY(ParseSeccomp(r, o->get("seccomp"), c));
  c.masked_paths = o->has("maskedPaths") ? SNAPRUN_TRY(r.Strings(o->get("maskedPaths"), "linux.maskedPaths")) : std::vector<std::string>{};
  c.readonly_paths = o->has("readonlyPaths") ? SNAPRUN_TRY(r.Strings(o->get("readonlyPaths"), "linux.readonlyPaths")) : std::vector<std::string>{};
  // Devices before resources: allow rules may name them.
  if (o->has("devices")) SNAPRUN_TRY(ParseDevices(r, o->get("devices"), c));
  if (o->has("resources")) {
    auto resources = SNAPRUN_TRY(r.AsObject(o->get("resources"), "linux.resources"));
    SNAPRUN_TRY(ParseResources(r, resources, c));
    if (auto checked = CheckDeviceRules(c); !checked) {
      const std::string& m = checked.error().message();  // "PATH: why"
      size_t colon = m.find(": ");
      return r.Invalid(m.substr(0, colon), m.substr(colon + 2));
    }
  }
  if (o->has("rootfsPropagation")) {
    std::string prop = SNAPRUN_TRY(r.Str(o->get("rootfsPropagation"), "linux.rootfsPropagation"));
    if (prop != "private" && prop != "rprivate") {
      return r.Invalid("linux.rootfsPropagation", "only \"private\" is supported");
    }
  }
  if (!c.namespaces.uts && (!c.hostname.empty() || !c.domainname.empty())) {
    // A joined uts namespace is shared: naming it would rename every member.
    std::string joined;
    for (const auto& j : c.joined_namespaces) {
      if (j.clone_flag == CLONE_NEWUTS) joined = " (it joins " + j.path + ", which is shared)";
    }
    return r.Invalid(c.hostname.empty() ? "domainname" : "hostname",
                     "needs a uts namespace of its own in linux.namespaces" + joined);
  }
  return Ok();
}

std::vector<std::string> OciMountOptionNames() {
  std::vector<std::string> names;
  for (const auto& flag : kFlagOptions) names.emplace_back(flag.name);
  return names;
}

}  // namespace snaprun::sandbox
