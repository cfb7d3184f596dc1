// A commission preview written as JSON text (src/commission.h computes it).
#pragma once
#include "commission.h"
#include "json_writer.h"
#include "order.h"
#include "program.h"

namespace engine {

// The preview answer's object, keys in sorted order. `with_version` is false inside batch and
// per-grade results, which carry rules_version once at the top.
void WritePreview(JsonWriter& w, const Program& p, const Order& o, const Preview& pv,
                  bool with_version = true);

}  // namespace engine
