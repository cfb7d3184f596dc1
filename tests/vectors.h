// Golden vectors: tests/vectors/<topic>.json, shared by the Catch2 tests and the Node tests.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace testutil {
// The parsed file tests/vectors/<name>.json (aborts the test run when unreadable).
nlohmann::json LoadVectors(const std::string& name);
std::string ReadFile(const std::string& path);
}  // namespace testutil
