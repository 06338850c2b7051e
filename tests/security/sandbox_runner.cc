#include "tests/security/sandbox_runner.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace snaprun::security {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
namespace fs = std::filesystem;

void AddProbe(const std::string& rootfs) {
  std::string probe = testing::BinaryPath("snaprun-probe");
  fs::copy_file(probe, rootfs + "/bin/snaprun-probe", fs::copy_options::overwrite_existing);
  fs::copy_file(probe, rootfs + "/bin/snaprun-probe-suid", fs::copy_options::overwrite_existing);
  chmod((rootfs + "/bin/snaprun-probe").c_str(), 0755);
  if (getuid() == 0) (void)!chown((rootfs + "/bin/snaprun-probe-suid").c_str(), 0, 0);
  chmod((rootfs + "/bin/snaprun-probe-suid").c_str(), 04755);
}

// The busybox rootfs with the probe, built once per test binary. Owned by root,
// world-readable; /bin/snaprun-probe-suid is a setuid-root copy for the setuid test.
const std::string* SharedRootfs(std::string* why) {
  static testing::TempDir* dir = nullptr;
  static std::string rootfs;
  static std::string error;
  if (dir == nullptr && error.empty()) {
    dir = new testing::TempDir();  // lives until exit, as the rootfs does
    rootfs = dir->path() + "/rootfs";
    testing::CommandResult built = testing::RunCommand(
        {"bash", testing::SourcePath("images/scripts/build-busybox-rootfs.sh"), rootfs});
    if (built.exit_code != 0) error = "cannot build the busybox rootfs: " + built.err;
    if (error.empty()) AddProbe(rootfs);
  }
  if (!error.empty()) {
    *why = error;
    return nullptr;
  }
  return &rootfs;
}

Array::Ptr Strings(const std::vector<std::string>& values) {
  Array::Ptr array = new Array;
  for (const std::string& v : values) array->add(v);
  return array;
}

Object::Ptr Process(const SandboxSpec& spec) {
  Object::Ptr user = new Object;
  user->set("uid", spec.uid);
  user->set("gid", spec.gid);
  std::vector<std::string> args = {"/bin/snaprun-probe"};
  args.insert(args.end(), spec.probe_args.begin(), spec.probe_args.end());
  Object::Ptr caps = new Object;
  for (const char* set : {"bounding", "effective", "permitted"}) {
    caps->set(set, Strings(spec.capabilities));
  }
  for (const char* set : {"inheritable", "ambient"}) caps->set(set, Array::Ptr(new Array));
  Array::Ptr rlimits = new Array;
  for (const RlimitSpec& r : spec.rlimits) {
    Object::Ptr limit = new Object;
    limit->set("type", r.type);
    limit->set("soft", Poco::UInt64{r.soft});
    limit->set("hard", Poco::UInt64{r.hard});
    rlimits->add(limit);
  }
  Object::Ptr process = new Object;
  process->set("terminal", false);
  process->set("user", user);
  process->set("args", Strings(args));
  process->set("env", Strings({"PATH=/bin:/sbin:/usr/bin", "HOME=/root"}));
  process->set("cwd", spec.cwd);
  process->set("capabilities", caps);
  process->set("noNewPrivileges", true);
  if (!spec.rlimits.empty()) process->set("rlimits", rlimits);
  return process;
}

Object::Ptr MountObject(const MountSpec& m) {
  Object::Ptr mount = new Object;
  mount->set("destination", m.destination);
  mount->set("type", m.type);
  mount->set("source", m.source);
  if (!m.options.empty()) mount->set("options", Strings(m.options));
  return mount;
}

Array::Ptr Mounts(const SandboxSpec& spec) {
  Array::Ptr mounts = new Array;
  mounts->add(MountObject({"/proc", "proc", "proc", {"nosuid", "nodev", "noexec"}}));
  mounts->add(MountObject({"/dev", "tmpfs", "tmpfs", {"nosuid", "mode=755", "size=65536"}}));
  mounts->add(MountObject({"/dev/pts", "devpts", "devpts", {"nosuid", "noexec"}}));
  mounts->add(MountObject({"/dev/shm", "tmpfs", "shm", {"nosuid", "nodev", "noexec"}}));
  mounts->add(MountObject({"/tmp", "tmpfs", "tmpfs", {"nosuid", "nodev", "size=16777216"}}));
  for (const MountSpec& m : spec.extra_mounts) mounts->add(MountObject(m));
  return mounts;
}

Array::Ptr IdMap(uint32_t inside, uint32_t outside) {
  Object::Ptr one = new Object;
  one->set("containerID", inside);
  one->set("hostID", outside);
  one->set("size", 1);
  Array::Ptr map = new Array;
  map->add(one);
  return map;
}

Object::Ptr Resources(const SandboxSpec& spec) {
  Object::Ptr resources = new Object;
  if (spec.pids_limit) {
    Object::Ptr pids = new Object;
    pids->set("limit", Poco::Int64{*spec.pids_limit});
    resources->set("pids", pids);
  }
  if (spec.memory_limit_bytes) {
    Object::Ptr memory = new Object;
    memory->set("limit", Poco::Int64{*spec.memory_limit_bytes});
    resources->set("memory", memory);
  }
  return resources;
}

// Rootless: a user namespace mapping the test user to SPEC's ids. Root: no user
// namespace at all (real root inside, as rootful runc), so only the dropped
// capabilities, no_new_privs and seccomp stand between the probe and the host.
Object::Ptr Linux(const SandboxSpec& spec, const std::optional<testing::TestUser>& user) {
  Array::Ptr namespaces = new Array;
  std::vector<std::string> types = {"pid", "network", "ipc", "uts", "mount", "cgroup"};
  if (user) types.push_back("user");
  for (const std::string& t : types) {
    Object::Ptr ns = new Object;
    ns->set("type", t);
    namespaces->add(ns);
  }
  Object::Ptr section = new Object;
  section->set("namespaces", namespaces);
  if (user) {
    section->set("uidMappings", IdMap(spec.uid, user->uid));
    section->set("gidMappings", IdMap(spec.gid, user->gid));
  }
  // The lists runc's default spec has; snaprun's own defaults add to them.
  section->set("maskedPaths",
               Strings({"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                        "/proc/sched_debug", "/proc/scsi", "/sys/firmware"}));
  section->set("readonlyPaths", Strings({"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                         "/proc/sysrq-trigger"}));
  if (spec.pids_limit || spec.memory_limit_bytes) section->set("resources", Resources(spec));
  if (spec.default_seccomp) {
    std::ifstream in(testing::SourcePath("policies/seccomp/default.json"));
    std::stringstream text;
    text << in.rdbuf();
    section->set("seccomp", Poco::JSON::Parser().parse(text.str()));
  }
  return section;
}

std::string ConfigJson(const SandboxSpec& spec, const std::string& rootfs,
                       const std::optional<testing::TestUser>& user) {
  Object::Ptr root = new Object;
  root->set("path", rootfs);
  root->set("readonly", true);
  Object config;
  config.set("ociVersion", "1.0.2");
  config.set("process", Process(spec));
  config.set("root", root);
  config.set("hostname", "sandbox");
  config.set("mounts", Mounts(spec));
  config.set("linux", Linux(spec, user));
  std::ostringstream out;
  config.stringify(out, 2);
  return out.str();
}

std::vector<std::string> Command(const SandboxSpec& spec, const std::string& bundle,
                                 const std::optional<testing::TestUser>& user) {
  static int counter = 0;
  std::string id = "sec-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
  std::vector<std::string> argv = spec.launcher;
  for (const std::string& a : {testing::BinaryPath("snaprun-sandbox"), std::string("run"),
                               std::string("--bundle"), bundle, id}) {
    argv.push_back(a);
  }
  return user && spec.switch_user ? testing::AsUser(*user, argv) : argv;
}

}  // namespace

std::optional<ProbeLine> ParseProbeLine(const std::string& out) {
  std::istringstream lines(out);
  std::string line, last;
  while (std::getline(lines, line)) {
    if (line.rfind("{\"attack\":", 0) == 0) last = line;
  }
  if (last.empty()) return std::nullopt;
  try {
    Object::Ptr o = Poco::JSON::Parser().parse(last).extract<Object::Ptr>();
    return ProbeLine{o->getValue<std::string>("attack"), o->getValue<std::string>("result"),
                     o->getValue<int>("errno"), o->getValue<std::string>("detail")};
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

bool RootMode() { return SNAPRUN_SECURITY_AS_ROOT != 0; }

std::string ProbeRun::Explain() const {
  std::ostringstream out;
  out << "exit " << command.exit_code << " signal " << command.signal << "\nstdout:\n"
      << command.out << "stderr:\n" << command.err;
  return out.str();
}

std::optional<ProbeRun> RunProbe(const SandboxSpec& spec, std::string* why) {
  if (access(testing::BinaryPath("snaprun-sandbox").c_str(), X_OK) != 0) {
    *why = "snaprun-sandbox is not built in this tree";
    return std::nullopt;
  }
  if (RootMode() && getuid() != 0) {
    *why = "the root suite needs root";
    return std::nullopt;
  }
  std::optional<testing::TestUser> user;
  if (!RootMode()) {
    user = testing::UnprivilegedUser();
    if (!user) {
      *why = "no unprivileged test user (scripts/test-user.sh creates snaprun-test)";
      return std::nullopt;
    }
  }
  const std::string* rootfs = SharedRootfs(why);
  if (rootfs == nullptr) return std::nullopt;
  testing::TempDir bundle;
  std::ofstream(bundle.path() + "/config.json") << ConfigJson(spec, *rootfs, user);
  ProbeRun run;
  run.command = testing::RunCommand(Command(spec, bundle.path(), user));
  run.line = ParseProbeLine(run.command.out);
  // The verdict in the test log, so a passing run can be read too.
  std::printf("probe: %s", run.line ? run.command.out.c_str() : "(no verdict)\n");
  return run;
}

}  // namespace snaprun::security
