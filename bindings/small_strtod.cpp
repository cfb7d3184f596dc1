// strtod for the WASM module, without long double.
//
// nlohmann's lexer reads every number with a fraction or an exponent through strtod, and musl's
// strtod computes in long double: soft-float routines the module carried for nothing (5.9 KB
// brotli). The engine refuses every such number (E_NOT_INTEGER: money is integer fen), so of its
// value only one thing shows: whether it is finite, for nlohmann refuses an infinite one as
// invalid JSON. That is decided exactly, on the digits; the value itself is only close. The
// linker then never pulls libc's strtod. tests/js/native-parity.test.js holds the module's
// answers to the native build's (glibc's strtod) byte for byte, overflow's edge included.
#include <cfloat>
#include <cmath>
#include <cstdint>

namespace {

// 2^1024 - 2^970, the least value that rounds to infinity: halfway above DBL_MAX, and a tie goes
// to the even neighbour, infinity.
constexpr char kOverflow[] =
    "1797693134862315807937289714053034150799341327100378269361737789804449682927647509466490179775"
    "8720709633028641669288791094655554785194040263065748867150582068190890200070838367627385484581"
    "7711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699"
    "508093042880177904174497792";
constexpr long kOverflowDigits = sizeof kOverflow - 1;  // 309

bool Digit(char c) { return c >= '0' && c <= '9'; }

// The mantissa's digits in order, the integer part's then the fraction's.
struct Digits {
  const char *a, *a_end, *b, *b_end;
  bool Next(char& c) {
    if (a != a_end) return c = *a++, true;
    if (b != b_end) return c = *b++, true;
    return false;
  }
};

}  // namespace

extern "C" double strtod(const char* s, char** end) {
  const char* p = s;
  bool negative = false;
  if (*p == '-' || *p == '+') negative = *p++ == '-';
  const char* int_begin = p;
  while (Digit(*p)) ++p;
  const char* int_end = p;
  const char* frac_begin = p;
  const char* frac_end = p;
  if (*p == '.' && Digit(p[1])) {
    frac_begin = ++p;
    while (Digit(*p)) ++p;
    frac_end = p;
  }
  if (int_begin == int_end && frac_begin == frac_end) {
    if (end) *end = const_cast<char*>(s);
    return 0;
  }
  long exp10 = 0;
  if (*p == 'e' || *p == 'E') {
    const char* e = p + 1;
    const bool eneg = *e == '-';
    if (*e == '-' || *e == '+') ++e;
    if (Digit(*e)) {
      for (; Digit(*e); ++e)
        if (exp10 < 100000000) exp10 = exp10 * 10 + (*e - '0');
      if (eneg) exp10 = -exp10;
      p = e;
    }
  }
  if (end) *end = const_cast<char*>(p);

  // The value is 0.d1d2d3... x 10^point, d1 the first digit that is not zero.
  Digits digits{int_begin, int_end, frac_begin, frac_end};
  char c = '0';
  long skipped = 0;
  while (digits.Next(c) && c == '0') ++skipped;
  if (c == '0') return negative ? -0.0 : 0.0;
  const long point = (int_end - int_begin) - skipped + exp10;

  bool overflow = point > kOverflowDigits;
  if (point == kOverflowDigits) {
    Digits rest = digits;
    char d = c;
    overflow = true;  // equal to kOverflow so far (and, at its end, not less)
    for (long k = 0; k < kOverflowDigits; ++k) {
      if (d != kOverflow[k]) {
        overflow = d > kOverflow[k];
        break;
      }
      if (!rest.Next(d)) {
        overflow = k + 1 == kOverflowDigits;
        break;
      }
    }
  }
  if (overflow) return negative ? -HUGE_VAL : HUGE_VAL;

  // Close, not correctly rounded: nineteen digits, then powers of ten by squaring.
  uint64_t m = static_cast<uint64_t>(c - '0');
  long taken = 1;
  while (taken < 19 && digits.Next(c)) m = m * 10 + static_cast<uint64_t>(c - '0'), ++taken;
  const long scale = point - taken;
  double f = 1, b = 10;
  for (unsigned long n = static_cast<unsigned long>(scale < 0 ? -scale : scale); n != 0;
       n >>= 1, b *= b)
    if (n & 1) f *= b;
  double v = scale < 0 ? static_cast<double>(m) / f : static_cast<double>(m) * f;
  if (v > DBL_MAX) v = DBL_MAX;  // finite, as decided above
  return negative ? -v : v;
}

// musl defines the three in one object file: all three are defined here, or the linker would pull
// that file for the others (libc++ refers to them) and find strtod twice.
extern "C" float strtof(const char* s, char** end) { return static_cast<float>(strtod(s, end)); }
extern "C" long double strtold(const char* s, char** end) { return strtod(s, end); }
