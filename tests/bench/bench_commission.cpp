// Native half of scripts/bench.sh: times the commission entry points on the same request texts
// the WASM module gets, so the two can be compared call for call.
//   bench_commission batch.json single.json typical.json [batch-runs] [single-iterations]
// prints: best batch µs, median single-call ns, median ns of parsing the single request's text
// alone, median typical-call ns, answer bytes of the single and of the typical call.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "api/commission_api.h"
#include "api/json_reader.h"

namespace {

std::string Read(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int64_t Ns(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count();
}

template <typename F>
int64_t MedianNs(int iterations, F&& f) {
  std::vector<int64_t> t;
  for (int i = 0; i < iterations; ++i) {
    const auto a = std::chrono::steady_clock::now();
    f();
    t.push_back(Ns(a, std::chrono::steady_clock::now()));
  }
  std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(
        stderr,
        "usage: bench_commission batch.json single.json typical.json [runs] [iterations]\n");
    return 2;
  }
  const std::string batch = Read(argv[1]);
  const std::string single = Read(argv[2]);
  const std::string typical = Read(argv[3]);
  const int runs = argc > 4 ? std::atoi(argv[4]) : 5;
  const int iterations = argc > 5 ? std::atoi(argv[5]) : 5000;

  int64_t best = -1;
  for (int i = 0; i < runs; ++i) {
    const auto a = std::chrono::steady_clock::now();
    // As the WASM binding calls it: the answer from an offset on, nothing moved.
    std::string out;
    const size_t from = engine::api::PreviewBatchInto(batch, out);
    const int64_t ns = Ns(a, std::chrono::steady_clock::now());
    if (out.compare(from, 11, "{\"failed\":0") != 0) {
      std::fprintf(stderr, "batch failed: %.300s\n", out.c_str());
      return 1;
    }
    if (best < 0 || ns < best) best = ns;
  }
  const std::string answer = engine::api::PreviewOrder(single);
  const std::string typical_answer = engine::api::PreviewOrder(typical);
  if (answer.find("\"ok\":true") == std::string::npos ||
      typical_answer.find("\"ok\":true") == std::string::npos) {
    std::fprintf(stderr, "preview failed: %.300s\n", answer.c_str());
    return 1;
  }
  size_t sink = 0;
  const int64_t call =
      MedianNs(iterations, [&] { sink += engine::api::PreviewOrder(single).size(); });
  const int64_t parse = MedianNs(iterations, [&] {
    engine::Problems p;
    sink += engine::ParseJson(single, p).size();
  });
  const int64_t typical_call =
      MedianNs(iterations, [&] { sink += engine::api::PreviewOrder(typical).size(); });
  std::printf("%lld %lld %lld %lld %zu %zu %zu\n", static_cast<long long>(best / 1000),
              static_cast<long long>(call), static_cast<long long>(parse),
              static_cast<long long>(typical_call), answer.size(), typical_answer.size(), sink % 2);
  return 0;
}
