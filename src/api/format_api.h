// Money texts for pages: fen in, "¥12.30" out, so no page ever formats fen itself (SPEC 1: no
// floating-point money, and one formatting rule everywhere).
#pragma once
#include <string>

namespace engine::api {

// {amounts_fen:[...]} (at most 1000, each 0 ... 2^53-1) -> {texts:[...]} in the same order.
std::string FormatMoney(const std::string& request);

}  // namespace engine::api
