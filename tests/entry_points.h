// Every JSON entry point of the engine by its JS name, from the one list (src/api/entry_points.h),
// for the fuzz target, the CLI and the tests.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "api/entry_points.h"

namespace fuzzing {
using EntryPoint = std::string (*)(const std::string&);
inline const std::vector<std::pair<const char*, EntryPoint>>& EntryPoints() {
#define ENGINE_LIST_ENTRY(area, verb, Function) {#verb, engine::api::Function},
  static const std::vector<std::pair<const char*, EntryPoint>> all = {
      ENGINE_ENTRY_POINTS(ENGINE_LIST_ENTRY)};
#undef ENGINE_LIST_ENTRY
  return all;
}
}  // namespace fuzzing
