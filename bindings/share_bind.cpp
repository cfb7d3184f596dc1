// Embind registrations for sharing (tokens, links, launches, posters). Same shape as
// commission_bind.cpp: JSON text in, JSON text out, raw names with an underscore, wrapped by the
// facade in engine.js. The MAC is not here on purpose: no key ever reaches the browser; the server
// signs with bindings/share-node.js.
#include <emscripten/bind.h>

#include "bytes.h"
#include "share_api.h"

EMSCRIPTEN_BINDINGS(share) {
  emscripten::function("_encodeShareToken", &bindings::Bytes<&engine::api::EncodeShareToken>);
  emscripten::function("_decodeShareToken", &bindings::Bytes<&engine::api::DecodeShareToken>);
  emscripten::function("_buildShareLink", &bindings::Bytes<&engine::api::BuildShareLink>);
  emscripten::function("_parseShareLaunch", &bindings::Bytes<&engine::api::ParseShareLaunch>);
  emscripten::function("_layoutPoster", &bindings::Bytes<&engine::api::LayoutPoster>);
}
