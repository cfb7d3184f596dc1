#include "errors.h"

namespace engine {

std::string IndexPath(const std::string& base, size_t i) {
  return base + "[" + std::to_string(i) + "]";
}

}  // namespace engine
