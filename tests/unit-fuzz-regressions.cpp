// Inputs that once troubled an entry point (tests/fuzz/regressions/*) run through every entry
// point: each must answer with JSON that has a boolean "ok" and, when false, coded errors.
#include <dirent.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "entry_points.h"
#include "vectors.h"

namespace {
std::vector<std::string> RegressionFiles() {
  std::vector<std::string> out;
  const std::string dir = std::string(ENGINE_VECTORS_DIR) + "/../fuzz/regressions";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') out.push_back(dir + "/" + e->d_name);
    closedir(d);
  }
  return out;
}

void ExpectWellFormed(const std::string& answer) {
  const auto j = nlohmann::json::parse(answer, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  REQUIRE(j.contains("ok"));
  REQUIRE(j["ok"].is_boolean());
  if (!j["ok"].get<bool>()) {
    REQUIRE(j["errors"].is_array());
    REQUIRE(!j["errors"].empty());
    CHECK(j["errors"][0]["code"].is_string());
  }
}
}  // namespace

TEST_CASE("fuzz regressions answer with well-formed results") {
  const auto files = RegressionFiles();
  REQUIRE(!files.empty());
  for (const auto& f : files) {
    const std::string input = testutil::ReadFile(f);
    for (const auto& [name, fn] : fuzzing::EntryPoints()) {
      INFO(f << " through " << name);
      ExpectWellFormed(fn(input));
    }
  }
}

TEST_CASE("pathological inputs are refused, not crashed on") {
  const std::string deep_array = std::string(100000, '[') + std::string(100000, ']');
  const std::string deep_object = [] {
    std::string s;
    for (int i = 0; i < 50000; ++i) s += "{\"program\":";
    s += "1";
    s += std::string(50000, '}');
    return s;
  }();
  for (const auto& [name, fn] : fuzzing::EntryPoints()) {
    INFO(name);
    ExpectWellFormed(fn(deep_array));
    ExpectWellFormed(fn(deep_object));
    ExpectWellFormed(fn(std::string("\0\xff\xfe", 3)));
    ExpectWellFormed(fn("{\"program\":{\"kind\":\"campaign\",\"title\":\"\xc3\x28\"}}"));
  }
}
