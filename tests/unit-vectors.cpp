// Runs every golden vector in tests/vectors/*.json through the JSON entry points. The Node tests
// run the same files through the WASM module, so native and WASM are held to the same answers.
#include <dirent.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>

#include "entry_points.h"
#include "vectors.h"

using nlohmann::json;

namespace {

std::map<std::string, fuzzing::EntryPoint> Entry() {
  std::map<std::string, fuzzing::EntryPoint> m;
  for (const auto& [name, fn] : fuzzing::EntryPoints()) m[name] = fn;
  return m;
}

// `expect` is a subset of `got`: objects by key, arrays element by element with equal length. A
// key whose expected value is "$absent" must not be in `got` (tests/js/engine-loader.js alike).
bool Subset(const json& expect, const json& got, const std::string& path, std::string& why) {
  if (expect.is_object()) {
    if (!got.is_object()) return why = path + ": expected an object", false;
    for (auto it = expect.begin(); it != expect.end(); ++it) {
      if (*it == "$absent") {
        if (got.contains(it.key())) return why = path + "." + it.key() + ": present", false;
        continue;
      }
      if (!got.contains(it.key())) return why = path + "." + it.key() + ": missing", false;
      if (!Subset(*it, got[it.key()], path + "." + it.key(), why)) return false;
    }
    return true;
  }
  if (expect.is_array()) {
    if (!got.is_array() || got.size() != expect.size())
      return why = path + ": expected an array of " + std::to_string(expect.size()), false;
    for (size_t i = 0; i < expect.size(); ++i)
      if (!Subset(expect[i], got[i], path + "[" + std::to_string(i) + "]", why)) return false;
    return true;
  }
  if (expect != got)
    return why = path + ": expected " + expect.dump() + ", got " + got.dump(), false;
  return true;
}

std::vector<std::string> VectorFiles() {
  std::vector<std::string> names;
  if (DIR* d = opendir(ENGINE_VECTORS_DIR)) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 5 && n.substr(n.size() - 5) == ".json")
        names.push_back(n.substr(0, n.size() - 5));
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("golden vectors hold natively") {
  const auto files = VectorFiles();
  REQUIRE(!files.empty());
  size_t cases = 0;
  for (const auto& file : files) {
    const json doc = testutil::LoadVectors(file);
    REQUIRE(doc.contains("cases"));
    for (const auto& c : doc["cases"]) {
      const std::string fn = c.value("fn", "");
      if (fn.rfind("node:", 0) == 0) continue;  // the Node helpers' own cases (tests/js/)
      const auto entries = Entry();
      auto it = entries.find(fn);
      INFO(file << ": " << c["name"].get<std::string>());
      // Every entry point is linked here: a case naming another is a typo that would pass unseen.
      if (it == entries.end()) FAIL("unknown fn \"" << fn << "\"");
      const std::string req =
          c["request"].is_string() ? c["request"].get<std::string>() : c["request"].dump();
      const json got = json::parse(it->second(req));
      std::string why;
      const bool ok = Subset(c["expect"], got, "", why);
      INFO(why);
      INFO(got.dump());
      CHECK(ok);
      ++cases;
    }
  }
  CHECK(cases > 0);
}
