#include "request.h"

#include "program_json.h"

namespace engine {

bool OpenRequest(const std::string& text, std::initializer_list<const char*> program_at,
                 Request& req, Problems& problems) {
  req.cached = nullptr;
  // The program's text is looked for only to key the cache by it.
  req.program_text =
      program_at.size() && ProgramCacheOn() ? MemberText(text, program_at) : std::string_view();
  if (auto hit = CachedProgram(req.program_text)) {
    const size_t at = static_cast<size_t>(req.program_text.data() - text.data());
    std::string rest;
    rest.reserve(text.size() - req.program_text.size() + 4);
    rest.append(text, 0, at)
        .append("null")
        .append(text, at + req.program_text.size(), std::string::npos);
    Problems quiet;
    req.root = ParseJson(rest, quiet);
    if (quiet.empty() && req.root.is_object()) {
      req.cached = std::move(hit);
      return true;
    }
  }
  req.root = ParseJson(text, problems);
  if (!problems.empty()) return false;
  if (!req.root.is_object()) {
    Report(problems, "E_TYPE", "", "the request must be a JSON object");
    return false;
  }
  return true;
}

std::shared_ptr<const Program> RequestProgram(const Request& req, const Json& j,
                                              const std::string& path, Problems& problems) {
  if (req.cached) return req.cached;
  auto p = ParseProgram(j, path, problems);
  if (!p) return nullptr;
  auto shared = std::make_shared<const Program>(std::move(*p));
  CacheProgram(req.program_text, shared);
  return shared;
}

}  // namespace engine
