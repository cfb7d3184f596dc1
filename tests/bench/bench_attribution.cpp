// Replays the request in argv[1] (a replayEvents request) through the JSON entry point, as the
// WASM module does, and prints events per second. scripts/bench-attribution.sh writes the request
// and runs the same one through the module under Node.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "api/attribution_api.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_attribution request.json events [runs]\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string request = ss.str();
  const long events = std::stol(argv[2]);
  const int runs = argc > 3 ? std::stoi(argv[3]) : 3;
  long best_us = -1;
  size_t out_size = 0;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::string out = engine::api::ReplayEvents(request);
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    if (out.find("\"ok\":true") == std::string::npos) {
      std::fprintf(stderr, "replay failed: %.300s\n", out.c_str());
      return 1;
    }
    out_size = out.size();
    if (best_us < 0 || us < best_us) best_us = us;
  }
  // Integer arithmetic only: events per second from microseconds.
  std::printf("%ld %ld %zu\n", best_us, events * 1000000L / (best_us > 0 ? best_us : 1), out_size);
  return 0;
}
