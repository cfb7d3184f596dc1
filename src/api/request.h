// How every JSON entry point opens its request, the one way: the text parsed as a JSON object, and
// for an entry point that takes a program, that program parsed once per distinct text.
#pragma once
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "json_reader.h"
#include "program.h"

namespace engine {

struct Request {
  Json root;  // the request object; null in the program's place when the program was cached
  std::shared_ptr<const Program> cached;  // the program, when its exact text was seen before
  std::string_view program_text;          // its raw text in the request ("" when not found plainly)
};

// Parses `text`, which must be a JSON object (E_JSON_PARSE, E_TYPE otherwise). `program_at` is
// where the entry point's program sits ({"program"}, {"settings", "program"}; {} for none): when
// its exact text is in the program cache (program_json.h), only the rest of the request is
// parsed; anything unusual falls back to parsing the whole text, which answers exactly as
// without the cache.
bool OpenRequest(const std::string& text, std::initializer_list<const char*> program_at,
                 Request& req, Problems& problems);
// The request's program: the cached one, or `j` (its place in req.root) parsed and cached by its
// text; null with the problems reported when it is invalid.
std::shared_ptr<const Program> RequestProgram(const Request& req, const Json& j,
                                              const std::string& path, Problems& problems);

}  // namespace engine
