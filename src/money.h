// Integer money. Every amount is int64_t fen (1 yuan = 100 fen), every rate int32 basis points.
// Products go through __int128 so a 2^53 amount times a rate can never overflow before rounding.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace engine {

using Fen = int64_t;
using Bp = int64_t;

// The largest amount a JS Number carries exactly; the contract's upper bound for every amount.
constexpr int64_t kMaxAmount = (int64_t{1} << 53) - 1;
constexpr Bp kBpScale = 10000;         // 100 % in basis points
constexpr Bp kComplianceCapBp = 5000;  // 50 %: per rate and per item sum (seed 001)

enum class Rounding { kFloor, kHalfUp };

// round(a * b / d) under `mode`, exactly; a, b >= 0, d > 0. Empty when the result exceeds
// kMaxAmount.
std::optional<int64_t> MulDiv(int64_t a, int64_t b, int64_t d, Rounding mode);

// a + b, a * b, empty past kMaxAmount (inputs are non-negative amounts).
std::optional<int64_t> CheckedAdd(int64_t a, int64_t b);
std::optional<int64_t> CheckedMul(int64_t a, int64_t b);

// "¥12.30" style text for an amount, so no caller ever divides fen by 100 in floating point.
std::string FormatYuan(Fen fen);
// The same text into `out`, returning its length (no allocation: a batch answer has a dozen per
// order).
constexpr size_t kYuanChars = 32;
size_t FormatYuan(Fen fen, char (&out)[kYuanChars]);

const char* RoundingName(Rounding r);

}  // namespace engine
