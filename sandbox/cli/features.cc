// `features`: the OCI runtime-spec Features structure (features.md, features-linux.md),
// built from the tables the parser and the runtime use — namespace kinds, libcap's
// capability names, the seccomp name tables, the mount option table — so it cannot
// promise what the config parser would refuse.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <iostream>

#include "sandbox/capabilities.h"
#include "sandbox/cli/commands.h"
#include "sandbox/namespaces.h"
#include "sandbox/oci_config.h"
#include "sandbox/seccomp_names.h"

namespace snaprun::sandbox::cli {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

template <typename Range>
Array::Ptr ArrayOf(const Range& names) {
  Array::Ptr array = new Array;
  for (const auto& name : names) array->add(std::string(name));
  return array;
}

Object::Ptr Enabled(bool enabled) {
  Object::Ptr object = new Object;
  object->set("enabled", enabled);
  return object;
}

Object::Ptr Seccomp() {
  Object::Ptr seccomp = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  seccomp->set("enabled", true);
  seccomp->set("actions", ArrayOf(SeccompActionNames()));
  seccomp->set("operators", ArrayOf(SeccompOperatorNames()));
  seccomp->set("archs", ArrayOf(SeccompArchNames()));
  seccomp->set("knownFlags", ArrayOf(SeccompFlagNames()));
  seccomp->set("supportedFlags", ArrayOf(SeccompFlagNames()));
  return seccomp;
}

// cgroupfs on v1, v2 and hybrid hosts (cgroup.cc); no systemd driver, no rdma controller.
Object::Ptr Cgroups() {
  Object::Ptr cgroup = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  cgroup->set("v1", true);
  cgroup->set("v2", true);
  cgroup->set("systemd", false);
  cgroup->set("systemdUser", false);
  cgroup->set("rdma", false);
  return cgroup;
}

Object::Ptr Linux() {
  Object::Ptr linux_features = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  Array::Ptr namespaces = new Array;
  for (const auto& kind : NamespaceKinds()) namespaces->add(std::string(kind.oci_name));
  linux_features->set("namespaces", namespaces);
  linux_features->set("capabilities", ArrayOf(KnownCapabilityNames()));
  linux_features->set("cgroup", Cgroups());
  linux_features->set("seccomp", Seccomp());
  linux_features->set("apparmor", Enabled(false));
  linux_features->set("selinux", Enabled(false));
  linux_features->set("intelRdt", Enabled(false));
  return linux_features;
}

std::string FeaturesJson() {
  Object features(Poco::JSON_PRESERVE_KEY_ORDER);
  // config.json's ociVersion is accepted for every 1.x (oci_config.cc); 1.1.0 is the
  // first version that defines this structure.
  features.set("ociVersionMin", "1.0.0");
  features.set("ociVersionMax", "1.1.0");
  features.set("hooks", Array::Ptr(new Array));  // config.json "hooks" is refused
  features.set("mountOptions", ArrayOf(OciMountOptionNames()));
  features.set("linux", Linux());
  Object::Ptr annotations = new Object;
  annotations->set("org.snaprun.sandbox.version", std::string(SNAPRUN_VERSION));
  features.set("annotations", annotations);
  std::ostringstream out;
  features.stringify(out, 2);
  return out.str();
}

}  // namespace

void RegisterFeatures(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("features", "print the implemented OCI features as JSON");
  cmd->callback([exit_code] {
    std::cout << FeaturesJson() << "\n";
    *exit_code = 0;
  });
}

}  // namespace snaprun::sandbox::cli
