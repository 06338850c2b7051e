// Start-to-exit of /bin/true through the library (RunSandbox) inside one process:
// the runtime's own cost, without the CLI binary's load of its shared libraries.
// Usage: sandbox_startup_inproc ROOTFS RUNS — prints the median in ms.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "sandbox/supervisor.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s ROOTFS RUNS\n", argv[0]);
    return 2;
  }
  using snaprun::sandbox::Config;
  Config config;
  config.rootfs = argv[1];
  config.process.args = {"/bin/true"};
  config.process.env = {"PATH=/bin"};
  config.masked_paths = snaprun::sandbox::DefaultMaskedPaths();
  config.readonly_paths = snaprun::sandbox::DefaultReadonlyPaths();
  snaprun::sandbox::Mount tmp;
  tmp.type = snaprun::sandbox::MountType::kTmpfs;
  tmp.destination = "/tmp";
  tmp.size_bytes = 64 << 20;
  config.mounts.push_back(tmp);
  int runs = std::stoi(argv[2]);
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto result = snaprun::sandbox::RunSandbox(config);
    auto end = std::chrono::steady_clock::now();
    if (!result || result->ShellStatus() != 0) {
      fprintf(stderr, "run failed: %s\n", result ? "non-zero exit" : result.error().ToString().c_str());
      return 1;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(ms.begin(), ms.end());
  printf("%.2f\n", ms[ms.size() / 2]);
  return 0;
}
