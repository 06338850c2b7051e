#include "orchestrator/spec/spec_loader.h"

#include "orchestrator/spec/overrides.h"
#include "orchestrator/spec/spec_yaml.h"

namespace snaprun::orchestrator {

const char* NetworkModeName(NetworkMode mode) {
  return mode == NetworkMode::kHost ? "host" : "none";
}

const char* SeccompChoiceName(SeccompChoice choice) {
  return choice == SeccompChoice::kStrict ? "strict" : "default";
}

const char* DatastoreModeName(DatastoreMode mode) {
  return mode == DatastoreMode::kReadWrite ? "rw" : "ro";
}

Result<RunSpec> LoadRunSpec(const std::string& path, const std::vector<std::string>& overrides) {
  SpecNode root = SNAPRUN_TRY(LoadSpecYamlFile(path));
  for (const std::string& assignment : overrides) SNAPRUN_TRY(ApplyOverride(root, assignment));
  return DecodeRunSpec(root, path);
}

}  // namespace snaprun::orchestrator
