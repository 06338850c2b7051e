#include "orchestrator/bundle/bundle_info.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <set>
#include <sstream>

#include "orchestrator/history/run_id.h"
#include "orchestrator/store/object_store.h"

namespace snaprun::orchestrator {
namespace {

using Poco::JSON::Object;

Object::Ptr NewObject() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

template <typename T>
void SetIf(Object& o, const char* key, const std::optional<T>& value) {
  if (value) o.set(key, *value);
}

Object::Ptr RunObject(const RunRecord& run) {
  Object::Ptr o = NewObject();
  o->set("id", run.id);
  o->set("name", run.name);
  o->set("user", run.user);
  o->set("host", run.host);
  o->set("state", std::string(RunStateName(run.state)));
  Object::Ptr states = NewObject();
  for (size_t i = 0; i < kRunStateCount; ++i) {
    SetIf(*states, RunStateName(static_cast<RunState>(i)), run.state_times_ms[i]);
  }
  o->set("states", states);
  SetIf(*o, "exit_code", run.exit_code);
  SetIf(*o, "signal", run.signal);
  Object::Ptr usage = NewObject();
  SetIf(*usage, "wall_ms", run.usage.wall_ms);
  SetIf(*usage, "cpu_user_ms", run.usage.cpu_user_ms);
  SetIf(*usage, "cpu_sys_ms", run.usage.cpu_sys_ms);
  SetIf(*usage, "peak_memory_bytes", run.usage.peak_memory_bytes);
  o->set("usage", usage);
  // As text: the history keeps these exact bytes, and a diff compares them.
  o->set("spec_json", run.spec_json);
  o->set("isolation_json", run.isolation_json);
  o->set("snapshot_digest", run.snapshot_digest);
  o->set("image_digest", run.image_digest);
  o->set("outputs_digest", run.outputs_digest);
  if (run.git) {
    Object::Ptr git = NewObject();
    git->set("remote_url", run.git->remote_url);
    git->set("branch", run.git->branch);
    git->set("commit", run.git->commit);
    git->set("dirty", run.git->dirty);
    o->set("git", git);
  }
  return o;
}

// Strict reading: every accessor names the key path in its error.
class Reader {
 public:
  explicit Reader(std::string label) : label_(std::move(label)) {}

  Error Bad(const std::string& path, const std::string& what) const {
    return Error(ErrorCode::kCorrupt, label_ + ": " + path + ": " + what);
  }
  Result<void> Keys(const Object& o, const std::string& path, const std::set<std::string>& allowed,
                    const std::set<std::string>& required) const {
    for (const std::string& key : o.getNames()) {
      if (!allowed.contains(key)) return Bad(path + key, "unknown key");
    }
    for (const std::string& key : required) {
      if (!o.has(key)) return Bad(path + key, "missing");
    }
    return Ok();
  }
  Result<std::string> String(const Object& o, const std::string& path, const std::string& key) const {
    Poco::Dynamic::Var v = o.get(key);
    if (!v.isString()) return Bad(path + key, "expected a string");
    return v.extract<std::string>();
  }
  Result<int64_t> Integer(const Object& o, const std::string& path, const std::string& key) const {
    Poco::Dynamic::Var v = o.get(key);
    if (!v.isInteger()) return Bad(path + key, "expected an integer");
    return v.convert<int64_t>();
  }
  Result<bool> Bool(const Object& o, const std::string& path, const std::string& key) const {
    Poco::Dynamic::Var v = o.get(key);
    if (!v.isBoolean()) return Bad(path + key, "expected true or false");
    return v.extract<bool>();
  }
  Result<Object::Ptr> Child(const Object& o, const std::string& path, const std::string& key) const {
    Object::Ptr child = o.getObject(key);
    if (!child) return Bad(path + key, "expected an object");
    return child;
  }
  Result<std::string> Digest(const Object& o, const std::string& path, const std::string& key,
                             bool may_be_empty) const {
    std::string digest = SNAPRUN_TRY(String(o, path, key));
    if (digest.empty() && may_be_empty) return digest;
    if (!digest.starts_with("sha256:") || !IsSha256Hex(digest.substr(7))) {
      return Bad(path + key, "\"" + digest + "\" is not a sha256:<64 hex> digest");
    }
    return digest;
  }

 private:
  std::string label_;
};

template <typename T>
Result<void> ReadOptional(const Reader& r, const Object& o, const std::string& path,
                          const std::string& key, std::optional<T>& out) {
  if (o.has(key)) out = static_cast<T>(SNAPRUN_TRY(r.Integer(o, path, key)));
  return Ok();
}

Result<void> ReadStates(const Reader& r, const Object& o, RunRecord& run) {
  std::set<std::string> names;
  for (size_t i = 0; i < kRunStateCount; ++i) names.insert(RunStateName(static_cast<RunState>(i)));
  SNAPRUN_TRY(r.Keys(o, "run.states.", names, {"queued"}));
  for (size_t i = 0; i < kRunStateCount; ++i) {
    SNAPRUN_TRY(ReadOptional(r, o, "run.states.", RunStateName(static_cast<RunState>(i)),
                             run.state_times_ms[i]));
  }
  if (!run.TimeOf(run.state)) return r.Bad("run.states", "no time for the run's own state");
  return Ok();
}

Result<void> ReadUsage(const Reader& r, const Object& o, ResourceUsage& usage) {
  const std::string path = "run.usage.";
  SNAPRUN_TRY(r.Keys(o, path, {"wall_ms", "cpu_user_ms", "cpu_sys_ms", "peak_memory_bytes"}, {}));
  SNAPRUN_TRY(ReadOptional(r, o, path, "wall_ms", usage.wall_ms));
  SNAPRUN_TRY(ReadOptional(r, o, path, "cpu_user_ms", usage.cpu_user_ms));
  SNAPRUN_TRY(ReadOptional(r, o, path, "cpu_sys_ms", usage.cpu_sys_ms));
  return ReadOptional(r, o, path, "peak_memory_bytes", usage.peak_memory_bytes);
}

Result<GitProvenance> ReadGit(const Reader& r, const Object& o) {
  const std::string path = "run.git.";
  SNAPRUN_TRY(r.Keys(o, path, {"remote_url", "branch", "commit", "dirty"},
                     {"remote_url", "branch", "commit", "dirty"}));
  GitProvenance git;
  git.remote_url = SNAPRUN_TRY(r.String(o, path, "remote_url"));
  git.branch = SNAPRUN_TRY(r.String(o, path, "branch"));
  git.commit = SNAPRUN_TRY(r.String(o, path, "commit"));
  git.dirty = SNAPRUN_TRY(r.Bool(o, path, "dirty"));
  return git;
}

// JSON text kept verbatim must itself be JSON (an object), or empty where allowed.
Result<std::string> EmbeddedJson(const Reader& r, const Object& o, const std::string& key) {
  std::string text = SNAPRUN_TRY(r.String(o, "run.", key));
  if (text.empty() && key == "isolation_json") return text;
  try {
    Poco::JSON::Parser().parse(text).extract<Object::Ptr>();
  } catch (const Poco::Exception& e) {
    return r.Bad("run." + key, "not a JSON object: " + e.displayText());
  }
  return text;
}

Result<RunRecord> ReadRun(const Reader& r, const Object& o) {
  const std::string path = "run.";
  SNAPRUN_TRY(r.Keys(o, path,
                     {"id", "name", "user", "host", "state", "states", "exit_code", "signal",
                      "usage", "spec_json", "isolation_json", "snapshot_digest", "image_digest",
                      "outputs_digest", "git"},
                     {"id", "name", "user", "host", "state", "states", "usage", "spec_json",
                      "isolation_json", "snapshot_digest", "image_digest", "outputs_digest"}));
  RunRecord run;
  run.id = SNAPRUN_TRY(r.String(o, path, "id"));
  if (!IsRunId(run.id)) return r.Bad("run.id", "\"" + run.id + "\" is not a run id");
  run.name = SNAPRUN_TRY(r.String(o, path, "name"));
  run.user = SNAPRUN_TRY(r.String(o, path, "user"));
  run.host = SNAPRUN_TRY(r.String(o, path, "host"));
  std::string state = SNAPRUN_TRY(r.String(o, path, "state"));
  auto parsed = ParseRunState(state);
  if (!parsed || !IsTerminal(*parsed)) return r.Bad("run.state", "\"" + state + "\" is not an end state");
  run.state = *parsed;
  Object::Ptr states = SNAPRUN_TRY(r.Child(o, path, "states"));
  SNAPRUN_TRY(ReadStates(r, *states, run));
  SNAPRUN_TRY(ReadOptional(r, o, path, "exit_code", run.exit_code));
  SNAPRUN_TRY(ReadOptional(r, o, path, "signal", run.signal));
  Object::Ptr usage = SNAPRUN_TRY(r.Child(o, path, "usage"));
  SNAPRUN_TRY(ReadUsage(r, *usage, run.usage));
  run.spec_json = SNAPRUN_TRY(EmbeddedJson(r, o, "spec_json"));
  run.isolation_json = SNAPRUN_TRY(EmbeddedJson(r, o, "isolation_json"));
  run.snapshot_digest = SNAPRUN_TRY(r.Digest(o, path, "snapshot_digest", false));
  run.image_digest = SNAPRUN_TRY(r.Digest(o, path, "image_digest", true));
  run.outputs_digest = SNAPRUN_TRY(r.Digest(o, path, "outputs_digest", true));
  if (o.has("git")) {
    Object::Ptr git = SNAPRUN_TRY(r.Child(o, path, "git"));
    run.git = SNAPRUN_TRY(ReadGit(r, *git));
  }
  return run;
}

Result<BundleImage> ReadImage(const Reader& r, const Object& o) {
  const std::string path = "image.";
  SNAPRUN_TRY(r.Keys(o, path, {"reference", "digest", "host", "included"},
                     {"reference", "digest", "host", "included"}));
  BundleImage image;
  image.reference = SNAPRUN_TRY(r.String(o, path, "reference"));
  image.digest = SNAPRUN_TRY(r.Digest(o, path, "digest", true));
  image.host = SNAPRUN_TRY(r.Bool(o, path, "host"));
  image.included = SNAPRUN_TRY(r.Bool(o, path, "included"));
  if (image.included && (image.host || image.digest.empty())) {
    return r.Bad("image.included", "only a stored image with a digest can be included");
  }
  return image;
}

}  // namespace

std::string BundleInfoToJson(const BundleInfo& info) {
  Object::Ptr o = NewObject();
  o->set("format", std::string(kBundleFormat));
  o->set("version", info.version);
  o->set("created", info.created);
  o->set("run", RunObject(info.run));
  Object::Ptr image = NewObject();
  image->set("reference", info.image.reference);
  image->set("digest", info.image.digest);
  image->set("host", info.image.host);
  image->set("included", info.image.included);
  o->set("image", image);
  std::ostringstream out;
  o->stringify(out, 2);
  return out.str() + "\n";
}

Result<BundleInfo> BundleInfoFromJson(const std::string& text, const std::string& label) {
  Reader r(label);
  Object::Ptr root;
  try {
    root = Poco::JSON::Parser().parse(text).extract<Object::Ptr>();
  } catch (const Poco::Exception& e) {
    return Error(ErrorCode::kCorrupt, label + ": not a JSON object: " + e.displayText());
  }
  SNAPRUN_TRY(r.Keys(*root, "", {"format", "version", "created", "run", "image"},
                     {"format", "version", "created", "run", "image"}));
  std::string format = SNAPRUN_TRY(r.String(*root, "", "format"));
  if (format != kBundleFormat) return r.Bad("format", "\"" + format + "\" is not a snaprun bundle");
  BundleInfo info;
  int64_t version = SNAPRUN_TRY(r.Integer(*root, "", "version"));
  if (version != kBundleVersion) {
    return Error(ErrorCode::kUnsupported, label + ": bundle format version " +
                                              std::to_string(version) + " is not supported (this "
                                              "snaprun reads version " +
                                              std::to_string(kBundleVersion) + ")");
  }
  info.created = SNAPRUN_TRY(r.String(*root, "", "created"));
  Object::Ptr run = SNAPRUN_TRY(r.Child(*root, "", "run"));
  info.run = SNAPRUN_TRY(ReadRun(r, *run));
  Object::Ptr image = SNAPRUN_TRY(r.Child(*root, "", "image"));
  info.image = SNAPRUN_TRY(ReadImage(r, *image));
  if (info.image.digest != info.run.image_digest) {
    return r.Bad("image.digest", "differs from run.image_digest");
  }
  return info;
}

}  // namespace snaprun::orchestrator
