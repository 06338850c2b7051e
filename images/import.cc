// Chooses the importer for a source path. A tarball is unpacked once into scratch;
// if its top level is an OCI layout or a docker save, the unpacked tree is the
// input of that importer, otherwise the tarball is a rootfs and extracted as one.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "images/fs.h"
#include "images/importers.h"
#include "images/tree_digest.h"

namespace snaprun::images {
namespace {

bool HasFile(const std::string& dir, const char* name) {
  struct stat st {};
  return ::lstat((dir + "/" + name).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

SourceFormat DetectDirectory(const std::string& dir) {
  if (HasFile(dir, "oci-layout") && HasFile(dir, "index.json")) return SourceFormat::kOci;
  // A rootfs has usr/; a docker save has manifest.json and layer tars only.
  if (HasFile(dir, "manifest.json") && ::access((dir + "/usr").c_str(), F_OK) != 0) {
    return SourceFormat::kDocker;
  }
  return SourceFormat::kDirectory;
}

Result<ImportOutcome> ImportUnpacked(const std::string& dir, SourceFormat format,
                                     const std::string& rootfs, const ImportOptions& options,
                                     const IsStored& is_stored) {
  if (format == SourceFormat::kOci) return ImportOciLayout(dir, rootfs, options, is_stored);
  return ImportDockerDir(dir, rootfs, options, is_stored);
}

Result<ImportOutcome> ImportArchive(const std::string& source, const std::string& scratch,
                                    const std::string& rootfs, const ImportOptions& options,
                                    const IsStored& is_stored) {
  if (options.format == SourceFormat::kTar) return ImportTarball(source, rootfs, options);
  // Unpacked as a plain tree first: layouts and rootfs tarballs look alike from outside.
  ImportOutcome unpacked = SNAPRUN_TRY(UnpackTarball(source, scratch, options));
  SourceFormat format =
      options.format == SourceFormat::kAuto ? DetectDirectory(scratch) : options.format;
  if (format == SourceFormat::kDirectory) {
    if (::rmdir(rootfs.c_str()) != 0 || ::rename(scratch.c_str(), rootfs.c_str()) != 0) {
      return Error::FromErrno("rename", scratch);
    }
    unpacked.record.digest = SNAPRUN_TRY(ComputeTreeDigest(rootfs, unpacked.record.setid));
    return unpacked;
  }
  ImportOutcome outcome = SNAPRUN_TRY(ImportUnpacked(scratch, format, rootfs, options, is_stored));
  outcome.record.source = source;
  return outcome;
}

}  // namespace

Result<ImportOutcome> ImportAny(const std::string& source, const std::string& scratch,
                                const std::string& rootfs, const ImportOptions& options,
                                const IsStored& is_stored) {
  struct stat st {};
  if (::stat(source.c_str(), &st) != 0) return Error::FromErrno("stat", source);
  if (!S_ISDIR(st.st_mode)) return ImportArchive(source, scratch, rootfs, options, is_stored);
  SourceFormat format =
      options.format == SourceFormat::kAuto ? DetectDirectory(source) : options.format;
  switch (format) {
    case SourceFormat::kOci:
    case SourceFormat::kDocker:
      return ImportUnpacked(source, format, rootfs, options, is_stored);
    case SourceFormat::kTar:
      return Error(ErrorCode::kInvalidInput, source + " is a directory, not a tarball");
    default:
      return ImportDirectory(source, rootfs, options);
  }
}

}  // namespace snaprun::images
