#include "orchestrator/spec/spec_output.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "orchestrator/spec/units.h"

namespace snaprun::orchestrator {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr NewObject() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

template <typename T>
void SetIf(Object& object, const char* key, const std::optional<T>& value) {
  if (value) object.set(key, *value);
}

Object::Ptr ResourcesJson(const ResourceRequest& r) {
  Object::Ptr out = NewObject();
  SetIf(*out, "cpus", r.cpus);
  SetIf(*out, "memory", r.memory_bytes);
  SetIf(*out, "pids", r.pids);
  SetIf(*out, "scratch", r.scratch_bytes);
  SetIf(*out, "tmp", r.tmp_bytes);
  if (r.timeout) out->set("timeout", FormatDuration(*r.timeout));
  SetIf(*out, "nofile", r.nofile);
  SetIf(*out, "outputs_size", r.outputs_bytes);
  SetIf(*out, "logs_size", r.logs_bytes);
  return out;
}

Array::Ptr DatastoresJson(const std::vector<DatastoreRequest>& stores) {
  Array::Ptr out = new Array();
  for (const DatastoreRequest& store : stores) {
    Object::Ptr item = NewObject();
    item->set("name", store.name);
    item->set("path", store.path);
    item->set("mode", std::string(DatastoreModeName(store.mode)));
    out->add(item);
  }
  return out;
}

Object::Ptr SpecJson(const RunSpec& spec) {
  Object::Ptr out = NewObject();
  out->set("name", spec.name);
  out->set("spec", spec.spec_path);
  out->set("code", spec.code_dir);
  out->set("allow_outside_code", spec.allow_outside_code);
  Array::Ptr command = new Array();
  for (const std::string& arg : spec.command) command->add(arg);
  out->set("command", command);
  out->set("image", spec.image);
  Object::Ptr env = NewObject();
  for (const auto& [name, value] : spec.env) env->set(name, value);
  out->set("env", env);
  out->set("resources", ResourcesJson(spec.resources));
  out->set("network", std::string(NetworkModeName(spec.network)));
  out->set("seccomp", std::string(SeccompChoiceName(spec.seccomp)));
  out->set("datastores", DatastoresJson(spec.datastores));
  Object::Ptr snapshot = NewObject();
  SetIf(*snapshot, "max_size", spec.snapshot.max_size_bytes);
  SetIf(*snapshot, "max_files", spec.snapshot.max_files);
  out->set("snapshot", snapshot);
  out->set("outputs", spec.outputs);
  out->set("logs", spec.logs);
  return out;
}

template <typename T>
void EmitIf(YAML::Emitter& out, const char* key, const std::optional<T>& value) {
  if (value) out << YAML::Key << key << YAML::Value << *value;
}

void EmitResources(YAML::Emitter& out, const ResourceRequest& r) {
  out << YAML::Key << "resources" << YAML::Value;
  if (!r.cpus && !r.memory_bytes && !r.pids && !r.scratch_bytes && !r.tmp_bytes && !r.timeout &&
      !r.nofile && !r.outputs_bytes && !r.logs_bytes) {
    out << YAML::Flow;
  }
  out << YAML::BeginMap;
  EmitIf(out, "cpus", r.cpus);
  if (r.memory_bytes) out << YAML::Key << "memory" << YAML::Value << FormatSize(*r.memory_bytes);
  EmitIf(out, "pids", r.pids);
  if (r.scratch_bytes) out << YAML::Key << "scratch" << YAML::Value << FormatSize(*r.scratch_bytes);
  if (r.tmp_bytes) out << YAML::Key << "tmp" << YAML::Value << FormatSize(*r.tmp_bytes);
  if (r.timeout) out << YAML::Key << "timeout" << YAML::Value << FormatDuration(*r.timeout);
  EmitIf(out, "nofile", r.nofile);
  if (r.outputs_bytes) out << YAML::Key << "outputs_size" << YAML::Value << FormatSize(*r.outputs_bytes);
  if (r.logs_bytes) out << YAML::Key << "logs_size" << YAML::Value << FormatSize(*r.logs_bytes);
  out << YAML::EndMap;
}

void EmitDatastores(YAML::Emitter& out, const std::vector<DatastoreRequest>& stores) {
  out << YAML::Key << "datastores" << YAML::Value;
  if (stores.empty()) out << YAML::Flow;
  out << YAML::BeginSeq;
  for (const DatastoreRequest& store : stores) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << store.name;
    out << YAML::Key << "path" << YAML::Value << store.path;
    out << YAML::Key << "mode" << YAML::Value << DatastoreModeName(store.mode) << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void EmitSnapshot(YAML::Emitter& out, const SnapshotLimits& limits) {
  out << YAML::Key << "snapshot" << YAML::Value;
  if (!limits.max_size_bytes && !limits.max_files) out << YAML::Flow;
  out << YAML::BeginMap;
  if (limits.max_size_bytes) {
    out << YAML::Key << "max_size" << YAML::Value << FormatSize(*limits.max_size_bytes);
  }
  EmitIf(out, "max_files", limits.max_files);
  out << YAML::EndMap;
}

}  // namespace

std::string RunSpecToJson(const RunSpec& spec, bool pretty) {
  std::ostringstream out;
  SpecJson(spec)->stringify(out, pretty ? 2 : 0);
  return out.str();
}

// The emitter reports problems through its state rather than exceptions; the values
// here are plain strings and numbers, which it always accepts.
std::string RunSpecToYaml(const RunSpec& spec) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << spec.name;
  out << YAML::Key << "spec" << YAML::Value << spec.spec_path;
  out << YAML::Key << "code" << YAML::Value << spec.code_dir;
  out << YAML::Key << "allow_outside_code" << YAML::Value << spec.allow_outside_code;
  out << YAML::Key << "command" << YAML::Value << YAML::Flow << spec.command;
  out << YAML::Key << "image" << YAML::Value << spec.image;
  out << YAML::Key << "env" << YAML::Value;
  if (spec.env.empty()) out << YAML::Flow;
  out << YAML::BeginMap;
  for (const auto& [name, value] : spec.env) {
    out << YAML::Key << name << YAML::Value << YAML::DoubleQuoted << value;
  }
  out << YAML::EndMap;
  EmitResources(out, spec.resources);
  out << YAML::Key << "network" << YAML::Value << NetworkModeName(spec.network);
  out << YAML::Key << "seccomp" << YAML::Value << SeccompChoiceName(spec.seccomp);
  EmitDatastores(out, spec.datastores);
  EmitSnapshot(out, spec.snapshot);
  out << YAML::Key << "outputs" << YAML::Value << spec.outputs;
  out << YAML::Key << "logs" << YAML::Value << spec.logs;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace snaprun::orchestrator
