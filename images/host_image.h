// The built-in `host` image: nothing is copied; its rootfs is the host's own system
// directories, bound read-only by the runtime. Its digest hashes the installed
// package list, so two hosts with different software get different digests.
#pragma once

#include <string>
#include <vector>

#include "images/image_record.h"
#include "sandbox/base/error.h"

namespace snaprun::images {

inline constexpr char kHostImageName[] = "host";

// The host directories that make up the host image, in mount order; those absent on
// this host (e.g. /lib32) are left out. /etc is included: the runtime binds it read-only.
std::vector<std::string> HostImagePaths();

// "sha256:" + SHA-256 of the sorted "package:arch version" lines of every installed
// package in DPKG_STATUS (default /var/lib/dpkg/status).
Result<std::string> HostPackagesDigest(const std::string& dpkg_status = "/var/lib/dpkg/status");

// The record `snaprun image inspect host` shows.
Result<ImageRecord> HostImageRecord();

}  // namespace snaprun::images
