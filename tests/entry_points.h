// Every JSON entry point of the engine, by the name the JS facade uses. Shared by the fuzz target
// and the regression test, so a new entry point is fuzzed as soon as it is listed here.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "api.h"

namespace fuzzing {
using EntryPoint = std::string (*)(const std::string&);
inline const std::vector<std::pair<const char*, EntryPoint>>& EntryPoints() {
  static const std::vector<std::pair<const char*, EntryPoint>> all = {
      {"validateProgram", engine::api::ValidateProgram},
      {"previewOrder", engine::api::PreviewOrder},
      {"previewBatch", engine::api::PreviewBatch},
      {"previewGrades", engine::api::PreviewGrades},
      {"previewRefund", engine::api::PreviewRefund},
      {"previewBudget", engine::api::PreviewBudget},
  };
  return all;
}
}  // namespace fuzzing
