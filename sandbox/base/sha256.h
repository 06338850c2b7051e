// SHA-256 through OpenSSL's EVP interface, as lowercase hex. Streaming and one-shot.
// Separate library (snaprun::digest) so the runtime does not link OpenSSL.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "sandbox/base/error.h"

namespace snaprun {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(const void* data, size_t size);
  void Update(std::string_view data) { Update(data.data(), data.size()); }
  std::string HexDigest();  // finishes; the object is then spent

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string Sha256Hex(std::string_view data);
// Hashes a file by fd-less streaming read; errors name the path.
Result<std::string> Sha256File(const std::string& path);

}  // namespace snaprun
