// Drives the harvest library for tests/bench/harvest_bench.sh:
//   harvest_tool harvest OUTPUTS_DIR HOME   prints the outputs digest
//   harvest_tool export DIGEST HOME DEST
#include <cstdio>
#include <string>

#include "orchestrator/harvest/export.h"
#include "orchestrator/harvest/harvest.h"

using namespace snaprun::orchestrator;

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: harvest_tool harvest DIR HOME | export DIGEST HOME DEST\n");
    return 2;
  }
  std::string verb = argv[1];
  auto store = ObjectStore::Open(argv[3]);
  if (!store) return fprintf(stderr, "%s\n", store.error().message().c_str()), 1;
  if (verb == "harvest") {
    HarvestLimits limits;
    limits.max_bytes = uint64_t{64} << 30;
    limits.max_files = 10000000;
    auto r = HarvestOutputs(argv[2], *store, limits);
    if (!r) return fprintf(stderr, "%s\n", r.error().message().c_str()), 1;
    printf("%s\n", r->digest.c_str());
    return 0;
  }
  if (verb == "export" && argc == 5) {
    auto r = ExportOutputs(argv[2], *store, argv[4]);
    if (!r) return fprintf(stderr, "%s\n", r.error().message().c_str()), 1;
    return 0;
  }
  return 2;
}
