#include "orchestrator/bundle/bundle_import.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "images/image_record.h"
#include "images/store.h"
#include "orchestrator/bundle/bundle_publish.h"
#include "orchestrator/bundle/bundle_reader.h"
#include "orchestrator/spec/spec_resolved.h"
#include "orchestrator/store/store_lock.h"

namespace snaprun::orchestrator {
namespace {

// The isolation JSON with an "imported" member added.
std::string MarkImported(const std::string& isolation_json, const std::string& bundle) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  try {
    if (!isolation_json.empty()) {
      o = Poco::JSON::Parser().parse(isolation_json).extract<Poco::JSON::Object::Ptr>();
    }
  } catch (const Poco::Exception&) {
    // Verified as an object when the bundle was read; nothing else reaches here.
  }
  Poco::JSON::Object::Ptr imported = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  imported->set("bundle", bundle);
  imported->set("at", images::NowUtc());
  o->set("imported", imported);
  std::ostringstream out;
  o->stringify(out);
  return out.str();
}

Result<bool> AlreadyImported(SqliteHistoryStore& history, const RunRecord& run) {
  auto existing = history.Get(run.id);
  if (!existing) {
    if (existing.error().code() == ErrorCode::kNotFound) return false;
    return std::move(existing).error();
  }
  if (existing->snapshot_digest != run.snapshot_digest ||
      existing->outputs_digest != run.outputs_digest || existing->state != run.state) {
    return Error(ErrorCode::kAlreadyExists,
                 "run " + run.id + " is already in this history, with different content");
  }
  return true;
}

Result<std::string> ImageFor(const ImportedRun& imported, const RunSpec& spec,
                             const std::string& home) {
  const BundleImage& image = imported.info.image;
  // A --set image=… wins; the host image is whatever this host is.
  if (spec.image != image.reference || image.host || image.digest.empty()) return std::string();
  if (!images::ResolveImage(home + "/images", image.digest)) {
    return Error(ErrorCode::kNotFound,
                 "image " + image.digest + " (" + image.reference + ") of run " +
                     imported.info.run.id +
                     " is not in this machine's image store and the bundle does not carry it; "
                     "import that image here, or export the run with --with-image");
  }
  return image.digest;
}

}  // namespace

Result<ImportedRun> ImportBundle(const std::string& path, const std::string& home,
                                 SqliteHistoryStore& history) {
  ObjectStore store = SNAPRUN_TRY(ObjectStore::Open(home));
  ScopedLock lock = SNAPRUN_TRY(LockStoreShared(home));
  VerifiedBundle bundle = SNAPRUN_TRY(ReadBundle(path, store));
  ImportedRun imported;
  imported.info = bundle.info;
  imported.already_present = SNAPRUN_TRY(AlreadyImported(history, bundle.info.run));
  if (imported.already_present) return imported;
  SNAPRUN_TRY(PublishBundle(bundle, path, home, store));
  RunRecord record = bundle.info.run;
  record.isolation_json = MarkImported(record.isolation_json, path);
  auto adopted = history.Adopt(record);
  // A concurrent import of the same bundle got there first: same content, so no error.
  if (!adopted && adopted.error().code() == ErrorCode::kAlreadyExists) {
    imported.already_present = SNAPRUN_TRY(AlreadyImported(history, bundle.info.run));
    return imported;
  }
  if (!adopted) return std::move(adopted).error();
  return imported;
}

Result<QueuedRun> QueueBundledRun(const std::string& bundle, const std::vector<std::string>& overrides,
                                  const std::string& home, SqliteHistoryStore& history,
                                  const RunAllowances& allowed) {
  ImportedRun imported = SNAPRUN_TRY(ImportBundle(bundle, home, history));
  const RunRecord& original = imported.info.run;
  RunSpec spec = SNAPRUN_TRY(
      RunSpecFromJson(original.spec_json, "bundle " + bundle + ": the run's spec", overrides));
  RunOrigin origin;
  std::string image = SNAPRUN_TRY(ImageFor(imported, spec, home));
  origin.stored = StoredInputs{original.snapshot_digest, image};
  origin.git = original.git;
  origin.queued_detail = "from bundle " + bundle + " of run " + original.id;
  origin.allowed = allowed;
  return QueueSpec(std::move(spec), origin, home, history);
}

}  // namespace snaprun::orchestrator
