// Problems are data: a stable code, the JSON path of the field, an English message.
// Codes never change meaning once shipped; the page maps them to zh-CN text.
#pragma once
#include <string>
#include <vector>

namespace engine {

struct Problem {
  std::string code;
  std::string path;
  std::string message;
};

using Problems = std::vector<Problem>;

// The path of an array element: "orders[3]".
std::string IndexPath(const std::string& base, size_t i);

inline void Report(Problems& out, std::string code, std::string path, std::string message) {
  out.push_back({std::move(code), std::move(path), std::move(message)});
}

}  // namespace engine
