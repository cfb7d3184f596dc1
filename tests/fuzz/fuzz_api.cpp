// libFuzzer target over every JSON entry point. The first byte picks the entry point, the rest is
// the request text. Whatever comes in, the answer must be JSON with a boolean "ok", and a failure
// must carry at least one error with a code.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "../entry_points.h"
#include "api/json_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& eps = fuzzing::EntryPoints();
  const auto& ep = eps[data[0] % eps.size()];
  const std::string request(reinterpret_cast<const char*>(data + 1), size - 1);
  engine::Problems problems;
  const engine::Json out = engine::ParseJson(ep.second(request), problems);
  if (!problems.empty() || !out.is_object() || !out.contains("ok") || !out["ok"].is_boolean())
    std::abort();
  if (!out["ok"].get<bool>()) {
    const auto it = out.find("errors");
    if (it == out.end() || !it->is_array() || it->empty() || !(*it)[0].contains("code"))
      std::abort();
  }
  return 0;
}
