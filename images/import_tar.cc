// Importer for rootfs tarballs (any compression libarchive reads).
#include <fcntl.h>
#include <unistd.h>

#include "images/importers.h"
#include "images/tar_stream.h"
#include "images/tree_digest.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::images {

Result<ImportOutcome> UnpackTarball(const std::string& source, const std::string& dir,
                                    const ImportOptions& options) {
  UniqueFd fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Error::FromErrno("open", source);
  TreeWriter writer =
      SNAPRUN_TRY(TreeWriter::Open(dir, options.limits, DefaultOwnership(), Whiteouts::kLiteral));
  SNAPRUN_TRY(ExtractTarStream(fd.get(), source, writer));
  SNAPRUN_TRY(writer.Finish());
  ImportOutcome outcome;
  ImageRecord& record = outcome.record;
  record.format = ImageFormat::kTar;
  record.source = source;
  record.size = writer.report().bytes;
  record.skipped = writer.report().skipped;
  record.setid = writer.report().setid;
  return outcome;
}

Result<ImportOutcome> ImportTarball(const std::string& source, const std::string& rootfs,
                                    const ImportOptions& options) {
  ImportOutcome outcome = SNAPRUN_TRY(UnpackTarball(source, rootfs, options));
  outcome.record.digest = SNAPRUN_TRY(ComputeTreeDigest(rootfs, outcome.record.setid));
  return outcome;
}

}  // namespace snaprun::images
