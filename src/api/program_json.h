// A program read from JSON: parsed and validated against every compliance cap, normalised so its
// hash (rules_version) is stable, and the requests that carry one.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "json_reader.h"
#include "program.h"

namespace engine {

// Parses and validates; on any problem returns empty and fills `problems` (all of them).
std::optional<Program> ParseProgram(const Json& j, const std::string& path, Problems& problems);

// A few valid programs keyed by their exact JSON text in a request: a page previewing many
// orders under one program parses and hashes it once. The text of a valid JSON value means one
// program, so a hit answers exactly as ParseProgram would. Null on a miss.
std::shared_ptr<const Program> CachedProgram(std::string_view text);
void CacheProgram(std::string_view text, std::shared_ptr<const Program> program);
// Tests compare answers with the cache off and on. A build with -DENGINE_PROGRAM_CACHE=OFF starts
// with it off (scripts/bench.sh measures what the cache is worth).
void SetProgramCacheForTesting(bool on);
bool ProgramCacheOn();

// The normalised config (every default filled in, fixed key order) that rules_version hashes.
Json NormalizedProgram(const Program& p);

}  // namespace engine
