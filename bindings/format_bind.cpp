// Embind registration for money texts (pages ask the engine instead of formatting fen).
#include <emscripten/bind.h>

#include "bytes.h"
#include "format_api.h"

EMSCRIPTEN_BINDINGS(format) {
  emscripten::function("_formatMoney", &bindings::Bytes<&engine::api::FormatMoney>);
}
