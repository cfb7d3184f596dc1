#include "vectors.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace testutil {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json LoadVectors(const std::string& name) {
  return nlohmann::json::parse(ReadFile(std::string(ENGINE_VECTORS_DIR) + "/" + name + ".json"));
}

}  // namespace testutil
