// bundle.json: the first entry of a run bundle. It describes the exported run (the history
// record as it was), the image it ran on and whether the image travels in the bundle.
// Parsing is strict: an unknown format, version or key is refused, every value is checked
// for its type, and the digests it names must be "sha256:<64 hex>" (or empty where allowed).
#pragma once

#include <string>

#include "orchestrator/history/run_record.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

inline constexpr char kBundleFormat[] = "snaprun-bundle";
inline constexpr int kBundleVersion = 1;

struct BundleImage {
  std::string reference;  // the spec's image: "host", a name, or a digest
  std::string digest;     // what it resolved to when the run was prepared
  bool host = false;      // the host image: never in a bundle (it is the host's own /usr…)
  bool included = false;  // image/rootfs.tar is in the bundle
};

struct BundleInfo {
  int version = kBundleVersion;
  std::string created;  // UTC RFC 3339
  RunRecord run;        // supervisor pid and start time are never exported
  BundleImage image;
};

std::string BundleInfoToJson(const BundleInfo& info);
// LABEL names the source in errors ("BUNDLE: bundle.json").
Result<BundleInfo> BundleInfoFromJson(const std::string& text, const std::string& label);

}  // namespace snaprun::orchestrator
