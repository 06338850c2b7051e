// OCI adapter internals: a strict JSON reader (every error names its key path) and
// the mounts and linux sections of config.json. Used only by oci_config.cc.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "sandbox/base/error.h"
#include "sandbox/config.h"

namespace snaprun::sandbox {

class OciReader {
 public:
  explicit OciReader(std::string origin) : origin_(std::move(origin)) {}

  Error Invalid(const std::string& path, const std::string& what) const;
  // kInvalidInput for the first key of O not in ALLOWED: "PATH.key: unknown key".
  Result<void> OnlyKeys(const Poco::JSON::Object::Ptr& o, const std::string& path,
                        std::initializer_list<const char*> allowed) const;
  Result<Poco::JSON::Object::Ptr> AsObject(const Poco::Dynamic::Var& v, const std::string& path) const;
  Result<Poco::JSON::Array::Ptr> AsArray(const Poco::Dynamic::Var& v, const std::string& path) const;
  Result<std::string> Str(const Poco::Dynamic::Var& v, const std::string& path) const;
  Result<std::vector<std::string>> Strings(const Poco::Dynamic::Var& v, const std::string& path) const;
  Result<bool> Bool(const Poco::Dynamic::Var& v, const std::string& path) const;
  Result<uint64_t> U64(const Poco::Dynamic::Var& v, const std::string& path) const;
  Result<uint32_t> U32(const Poco::Dynamic::Var& v, const std::string& path) const;
  Result<int64_t> I64(const Poco::Dynamic::Var& v, const std::string& path) const;

 private:
  std::string origin_;
};

Result<void> ParseMounts(OciReader& r, const Poco::Dynamic::Var& v, Config& c);
Result<void> ParseLinux(OciReader& r, const Poco::JSON::Object::Ptr& o, Config& c);
// oci_clocks_cpus.cc: linux.timeOffsets (needs a "time" namespace) and
// process.execCPUAffinity.final ("0-3,7").
Result<void> ParseTimeOffsets(OciReader& r, const Poco::Dynamic::Var& v, Config& c);
Result<void> ParseCpuAffinity(OciReader& r, const Poco::Dynamic::Var& v, Config& c);
// oci_hooks.cc: "hooks", "annotations" (strings only) and linux.sysctl (after the
// namespaces are known: keys are checked against them).
Result<void> ParseHooks(OciReader& r, const Poco::Dynamic::Var& v, Config& c);
Result<void> ParseAnnotations(OciReader& r, const Poco::Dynamic::Var& v, Config& c);
Result<void> ParseSysctl(OciReader& r, const Poco::Dynamic::Var& v, Config& c);
// oci_devices.cc: linux.devices and linux.resources.devices (checked in device_nodes.cc).
Result<void> ParseDevices(OciReader& r, const Poco::Dynamic::Var& v, Config& c);
Result<void> ParseDeviceRules(OciReader& r, const Poco::Dynamic::Var& v, Config& c);

}  // namespace snaprun::sandbox
