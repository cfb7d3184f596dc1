// The native twin of the WASM module, for tests/js/native-parity.test.js: reads one request per
// line, "<entry point>\t<request text>", and writes the entry point's answer as one line. Built
// natively only; the Node test feeds the same lines to the module and compares the text.
// `engine-cli --entry-points` prints the verbs of src/api/entry_points.h, comma-separated, as the
// module's _entryPoints() does.
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "entry_points.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  if (argc > 1 && std::string(argv[1]) == "--entry-points") {
    for (const auto& [name, fn] : fuzzing::EntryPoints()) std::cout << name << ',';
    std::cout << '\n';
    return 0;
  }
  std::map<std::string, fuzzing::EntryPoint> entry;
  for (const auto& [name, fn] : fuzzing::EntryPoints()) entry[name] = fn;
  std::string line;
  while (std::getline(std::cin, line)) {
    const size_t tab = line.find('\t');
    const std::string name = line.substr(0, tab);
    const auto it = entry.find(name);
    if (tab == std::string::npos || it == entry.end()) {
      // Same text as engine.js rawText() for a name the module does not export.
      std::cout << R"({"ok":false,"errors":[{"code":"E_NO_SUCH_CALL","path":"","message":)"
                << nlohmann::json(name).dump() << "}]}\n";
      continue;
    }
    std::cout << it->second(line.substr(tab + 1)) << '\n';
  }
  std::cout.flush();
  return 0;
}
