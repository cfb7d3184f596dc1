// snprintf for the WASM module, integer conversions only.
//
// The only printf calls in the module are nlohmann's "\u%04x" escapes of control characters (and
// a token in a parse error message we never show). Through musl's full snprintf they link printf's
// floating-point half (fmt_fp, long-double soft float): ~1.7 KB brotli for nothing. Emscripten's
// libc ships vsniprintf, the same printf core without floating point, so snprintf is defined here
// on top of it; the linker then never pulls libc's own. The core never formats a floating-point
// number (money is integer fen), and tests/js/native-parity.test.js holds the module's output to
// the native build's byte for byte.
#include <cstdarg>
#include <cstddef>

extern "C" int vsniprintf(char* s, size_t n, const char* fmt, va_list ap);

extern "C" int snprintf(char* s, size_t n, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const int r = vsniprintf(s, n, fmt, ap);
  va_end(ap);
  return r;
}
