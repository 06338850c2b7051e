// Drives the compare library for tests/bench/compare_bench.sh:
//   compare_tool HOME DIGEST_A DIGEST_B [--json]
// compares two outputs manifests in the store at HOME and prints the comparison (text, or
// JSON with --json). Exit status 0: same; 1: different; 2: error.
#include <Poco/JSON/Stringifier.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "orchestrator/compare/compare.h"
#include "orchestrator/compare/compare_render.h"
#include "orchestrator/harvest/harvest.h"

using namespace snaprun::orchestrator;

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: compare_tool HOME DIGEST_A DIGEST_B [--json]\n");
    return 2;
  }
  auto store = ObjectStore::Open(argv[1]);
  if (!store) return fprintf(stderr, "%s\n", store.error().ToString().c_str()), 2;
  auto a = LoadOutputsManifest(*store, argv[2]);
  if (!a) return fprintf(stderr, "%s\n", a.error().ToString().c_str()), 2;
  auto b = LoadOutputsManifest(*store, argv[3]);
  if (!b) return fprintf(stderr, "%s\n", b.error().ToString().c_str()), 2;
  auto comparison = CompareTrees(*a, *b, *store);
  if (!comparison) return fprintf(stderr, "%s\n", comparison.error().ToString().c_str()), 2;
  if (argc > 4 && std::string(argv[4]) == "--json") {
    Poco::JSON::Stringifier::stringify(ComparisonToJson(*comparison), std::cout, 2);
    std::cout << "\n";
  } else {
    std::cout << RenderComparisonText(*comparison, false);
  }
  return comparison->Same() ? 0 : 1;
}
