// Poster layout: from a template (canvas size and named boxes) and the share's data, the list of
// things a renderer draws, in order, with every text already formatted, wrapped and cut. The page
// draws it on a canvas (web/public/poster.js); deciding here keeps every renderer identical.
//
// Text is measured by a width model, not by fonts (the core has none): a code point below U+0100
// is half an em, everything else (CJK, emoji, the ellipsis) a full em. Widths are counted in
// half-ems, integers only, so native, browser and server wrap a title at the same character.
#pragma once
#include <string>
#include <vector>

#include "api/json_reader.h"
#include "errors.h"

namespace engine {

// Splits UTF-8 into code points (each as its UTF-8 bytes); a byte that does not start a valid
// sequence becomes U+FFFD.
std::vector<std::string> CodePoints(const std::string& utf8);
// Width of one code point (as returned by CodePoints) in half-ems: 1 or 2.
int HalfEms(const std::string& code_point);
// Width of a text in half-ems.
int TextHalfEms(const std::string& utf8);

struct WrappedText {
  std::vector<std::string> lines;
  bool truncated = false;
};

// Wraps `text` into lines of at most `capacity` half-ems (>= 2) and at most `max_lines` lines (>=
// 1). Breaks anywhere between CJK characters, between ASCII words when a word would be split, and
// ends the last line with "…" when the text does not fit. Control characters count as spaces;
// runs of spaces collapse to one.
WrappedText WrapText(const std::string& text, int capacity, int max_lines);

// {"template"?: {...}, "data": {...}} -> {"width","height","items":[...]} (the "ok" is the
// caller's). Problems carry paths under "template" and "data".
std::optional<Json> LayoutPoster(const Json* tmpl, const Json* data, Problems& problems);

// The built-in template, as JSON (the default when a request gives none).
Json DefaultPosterTemplate();

}  // namespace engine
