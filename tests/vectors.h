// Golden vectors: tests/vectors/<topic>.json, shared by the Catch2 tests and the Node tests.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace testutil {
// The parsed file tests/vectors/<name>.json (aborts the test run when unreadable).
nlohmann::json LoadVectors(const std::string& name);
std::string ReadFile(const std::string& path);
}  // namespace testutil
