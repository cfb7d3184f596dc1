#include "bytes.h"

namespace bindings {

std::string& Answer() {
  static std::string answer;
  return answer;
}

namespace {

emscripten::val View(const std::string& answer, size_t from) {
  return emscripten::val(emscripten::typed_memory_view(
      answer.size() - from, reinterpret_cast<const unsigned char*>(answer.data()) + from));
}

}  // namespace

emscripten::val Invoke(Entry entry, uintptr_t request, size_t length) {
  std::string& answer = Answer();
  answer = entry(std::string(reinterpret_cast<const char*>(request), length));
  return View(answer, 0);
}

emscripten::val InvokeFrom(EntryFrom entry, uintptr_t request, size_t length) {
  std::string& answer = Answer();
  const size_t from = entry(std::string(reinterpret_cast<const char*>(request), length), answer);
  return View(answer, from);
}

}  // namespace bindings
