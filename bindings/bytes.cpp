#include "bytes.h"

namespace bindings {

std::string& Answer() {
  static std::string answer;
  return answer;
}

emscripten::val Invoke(Entry entry, uintptr_t request, size_t length) {
  std::string& answer = Answer();
  answer = entry(std::string(reinterpret_cast<const char*>(request), length));
  return emscripten::val(emscripten::typed_memory_view(
      answer.size(), reinterpret_cast<const unsigned char*>(answer.data())));
}

}  // namespace bindings
