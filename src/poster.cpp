#include "poster.h"

#include <algorithm>
#include <iterator>

#include "money.h"

namespace engine {
namespace {

constexpr const char* kEllipsis = "\xE2\x80\xA6";     // …
constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr size_t kMaxTitleBytes = 1024;
constexpr size_t kMaxNicknameBytes = 256;
constexpr size_t kMaxUrlBytes = 2048;
constexpr size_t kMaxQrTextBytes = 1024;  // far below a version-40 QR's byte capacity at level M

bool IsSpace(const std::string& g) { return g == " "; }
bool IsWordChar(const std::string& g) {
  if (g.size() != 1) return false;
  const char c = g[0];
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int Sum(const std::vector<std::string>& g, size_t from, size_t to) {
  int units = 0;
  for (size_t i = from; i < to; ++i) units += HalfEms(g[i]);
  return units;
}

std::string Join(const std::vector<std::string>& g, size_t from, size_t to) {
  while (to > from && IsSpace(g[to - 1])) --to;
  std::string out;
  for (size_t i = from; i < to; ++i) out += g[i];
  return out;
}

enum class Kind { kImage, kText, kTag, kQr };
struct BoxSpec {
  const char* name;
  Kind kind;
};
// Also the drawing order.
constexpr BoxSpec kBoxes[] = {
    {"background", Kind::kImage}, {"avatar", Kind::kImage},        {"nickname", Kind::kText},
    {"tagline", Kind::kText},     {"product_image", Kind::kImage}, {"title", Kind::kText},
    {"price", Kind::kText},       {"commission", Kind::kTag},      {"qr", Kind::kQr},
    {"qr_caption", Kind::kText},
};

struct Box {
  int64_t x = 0, y = 0, w = 0, h = 0;
  int64_t font_px = 0, line_height = 0, max_lines = 1, padding = 0, radius = 0;
  std::string color, bg_color, align = "left", shape = "rect", text;
  bool bold = false;
};

bool IsColor(const std::string& s) {
  if ((s.size() != 4 && s.size() != 7) || s[0] != '#') return false;
  for (size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

std::string Color(Reader& r, const char* key, const char* fallback) {
  auto s = r.Str(key, std::string(fallback), 16);
  if (!s) return fallback;
  if (!IsColor(*s)) {
    Report(r.Out(), "E_POSTER_COLOR", r.PathOf(key), "expected a colour like #e4393c or #fff");
    return fallback;
  }
  return *s;
}

std::optional<Box> ReadBox(const Json& j, const BoxSpec& spec, int64_t width, int64_t height,
                           const std::string& path, Problems& problems) {
  const size_t before = problems.size();
  Reader r(j, path, problems);
  if (!r.Ok()) return std::nullopt;
  Box b;
  const std::string name = spec.name;
  b.x = r.Int("x", 0, width - 1).value_or(0);
  b.y = r.Int("y", 0, height - 1).value_or(0);
  b.w = r.Int("w", 1, width).value_or(1);
  if (spec.kind == Kind::kImage) {
    b.h = r.Int("h", 1, height).value_or(1);
    b.radius = r.Int("radius", 0, 1000, 0).value_or(0);
    if (name == "avatar")
      b.shape = r.Enum("shape", {"circle", "rect"}, "circle").value_or("circle");
  } else if (spec.kind == Kind::kQr) {
    b.h = b.w;
    if (b.w < 64)
      Report(problems, "E_POSTER_BOX", r.PathOf("w"), "a QR code needs at least 64 px to scan");
  } else {
    b.font_px = r.Int("font_px", 8, 200).value_or(8);
    b.line_height = r.Int("line_height", b.font_px, 400, b.font_px * 7 / 5).value_or(b.font_px);
    if (name == "title") b.max_lines = r.Int("max_lines", 1, 10, 2).value_or(1);
    b.color = Color(r, "color", "#333333");
    b.bold = r.Bool("bold", false).value_or(false);
    if (spec.kind == Kind::kTag) {
      b.bg_color = Color(r, "bg_color", "#fff1f0");
      b.padding = r.Int("padding", 0, 100, 8).value_or(0);
      b.radius = r.Int("radius", 0, 1000, 0).value_or(0);
    } else {
      b.align = r.Enum("align", {"left", "center", "right"}, "left").value_or("left");
    }
    if (name == "tagline") b.text = r.Str("text", "为你推荐一件好物", 200).value_or("");
    if (name == "qr_caption") b.text = r.Str("text", "长按识别二维码", 200).value_or("");
    b.h = b.line_height * b.max_lines + 2 * b.padding;
    if (problems.size() == before && 2 * (b.w - 2 * b.padding) < 2 * b.font_px)
      Report(problems, "E_POSTER_BOX", r.PathOf("w"), "the box is narrower than one character");
  }
  r.Finish();
  if (problems.size() == before && (b.x + b.w > width || b.y + b.h > height))
    Report(problems, "E_POSTER_BOX", path,
           "the box (" + std::to_string(b.w) + "x" + std::to_string(b.h) + " at " +
               std::to_string(b.x) + "," + std::to_string(b.y) + ") leaves the canvas");
  if (problems.size() != before) return std::nullopt;
  return b;
}

// http(s), protocol-relative, same-origin paths and inline images; nothing a canvas cannot load.
bool IsImageUrl(const std::string& u) {
  const auto starts = [&](const char* p) { return u.rfind(p, 0) == 0; };
  return starts("https://") || starts("http://") || starts("/") || starts("data:image/");
}

std::string ImageUrl(Reader& d, const char* key) {
  auto u = d.Str(key, std::string(), kMaxUrlBytes).value_or("");
  if (!u.empty() && !IsImageUrl(u)) {
    Report(d.Out(), "E_POSTER_URL", d.PathOf(key),
           "an image URL must start with https://, http://, / or data:image/");
    return "";
  }
  return u;
}

Json TextItem(const char* role, const Box& b, const WrappedText& t, bool fits) {
  return {{"kind", "text"},
          {"role", role},
          {"x", b.x},
          {"y", b.y},
          {"w", b.w},
          {"h", b.line_height * static_cast<int64_t>(t.lines.size())},
          {"font_px", b.font_px},
          {"line_height", b.line_height},
          {"color", b.color},
          {"bold", b.bold},
          {"align", b.align},
          {"lines", t.lines},
          {"truncated", t.truncated},
          {"fits", fits}};
}

int64_t Capacity(const Box& b) { return 2 * (b.w - 2 * b.padding) / b.font_px; }

}  // namespace

std::vector<std::string> CodePoints(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t min = 0;
    if (c < 0x80)
      n = 1;
    else if ((c & 0xE0) == 0xC0)
      n = 2, min = 0x80;
    else if ((c & 0xF0) == 0xE0)
      n = 3, min = 0x800;
    else if ((c & 0xF8) == 0xF0)
      n = 4, min = 0x10000;
    bool ok = n > 0 && i + n <= s.size();
    uint32_t cp = n == 1 ? c : (c & (0x7F >> n));
    for (size_t k = 1; ok && k < n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    ok = ok && cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    if (ok) {
      out.push_back(s.substr(i, n));
      i += n;
    } else {
      out.push_back(kReplacement);
      i += 1;
    }
  }
  return out;
}

int HalfEms(const std::string& g) {
  if (g.size() == 1) return 1;
  // Two-byte sequences starting C2/C3 are U+0080..U+00FF (Latin-1: ¥, é ...).
  if (g.size() == 2 && (static_cast<unsigned char>(g[0]) & 0xFE) == 0xC2) return 1;
  return 2;
}

int TextHalfEms(const std::string& utf8) {
  int units = 0;
  for (const auto& g : CodePoints(utf8)) units += HalfEms(g);
  return units;
}

WrappedText WrapText(const std::string& text, int capacity, int max_lines) {
  WrappedText out;
  if (capacity < 2) capacity = 2;
  if (max_lines < 1) max_lines = 1;
  std::vector<std::string> g;
  for (auto& cp : CodePoints(text)) {
    const auto c0 = static_cast<unsigned char>(cp[0]);
    const bool control = (cp.size() == 1 && (c0 < 0x20 || c0 == 0x7F)) ||
                         (cp.size() == 2 && c0 == 0xC2 && static_cast<unsigned char>(cp[1]) < 0xA0);
    if (control) cp = " ";
    if (IsSpace(cp) && (g.empty() || IsSpace(g.back()))) continue;
    g.push_back(std::move(cp));
  }
  const size_t n = g.size();
  size_t pos = 0;
  while (pos < n) {
    while (pos < n && IsSpace(g[pos])) ++pos;
    if (pos >= n) break;
    if (static_cast<int>(out.lines.size()) == max_lines - 1) {
      if (Sum(g, pos, n) <= capacity) {
        out.lines.push_back(Join(g, pos, n));
      } else {
        size_t end = pos;
        int units = 0;
        while (end < n && units + HalfEms(g[end]) <= capacity - 2) units += HalfEms(g[end++]);
        out.lines.push_back(Join(g, pos, end) + kEllipsis);
        out.truncated = true;
      }
      break;
    }
    size_t end = pos;
    int units = 0;
    while (end < n && units + HalfEms(g[end]) <= capacity) units += HalfEms(g[end++]);
    if (end < n && IsWordChar(g[end]) && IsWordChar(g[end - 1])) {
      // Do not cut an ASCII word when an earlier space can take the break.
      size_t k = end;
      while (k > pos && !IsSpace(g[k - 1])) --k;
      if (k > pos) end = k;
    }
    out.lines.push_back(Join(g, pos, end));
    pos = end;
  }
  return out;
}

Json DefaultPosterTemplate() {
  return {{"width", 750},
          {"height", 1240},
          {"background_color", "#ffffff"},
          {"boxes",
           {{"avatar", {{"x", 40}, {"y", 40}, {"w", 88}, {"h", 88}, {"shape", "circle"}}},
            {"nickname",
             {{"x", 148},
              {"y", 44},
              {"w", 562},
              {"font_px", 32},
              {"line_height", 44},
              {"color", "#222222"},
              {"bold", true}}},
            {"tagline",
             {{"x", 148},
              {"y", 90},
              {"w", 562},
              {"font_px", 26},
              {"line_height", 36},
              {"color", "#888888"},
              {"text", "为你推荐一件好物"}}},
            {"product_image", {{"x", 40}, {"y", 160}, {"w", 670}, {"h", 670}, {"radius", 16}}},
            {"title",
             {{"x", 40},
              {"y", 858},
              {"w", 670},
              {"font_px", 34},
              {"line_height", 50},
              {"max_lines", 2},
              {"color", "#222222"},
              {"bold", true}}},
            {"price",
             {{"x", 40},
              {"y", 990},
              {"w", 420},
              {"font_px", 52},
              {"line_height", 70},
              {"color", "#e4393c"},
              {"bold", true}}},
            {"commission",
             {{"x", 40},
              {"y", 1080},
              {"w", 420},
              {"font_px", 28},
              {"line_height", 40},
              {"padding", 10},
              {"radius", 8},
              {"color", "#e4393c"},
              {"bg_color", "#fff1f0"}}},
            {"qr", {{"x", 500}, {"y", 980}, {"w", 210}}},
            {"qr_caption",
             {{"x", 470},
              {"y", 1196},
              {"w", 270},
              {"font_px", 22},
              {"line_height", 32},
              {"color", "#999999"},
              {"align", "center"},
              {"text", "长按识别二维码"}}}}}};
}

std::optional<Json> LayoutPoster(const Json* tmpl_in, const Json* data, Problems& problems) {
  const Json fallback = DefaultPosterTemplate();
  const Json& tmpl = tmpl_in ? *tmpl_in : fallback;
  const size_t before = problems.size();

  Reader t(tmpl, "template", problems);
  const auto width = t.Int("width", 100, 2000);
  const auto height = t.Int("height", 100, 4000);
  const std::string bg = Color(t, "background_color", "#ffffff");
  const Json* boxes_j = t.Raw("boxes");
  t.Finish();
  std::optional<Box> boxes[std::size(kBoxes)];
  if (t.Ok() && width && height) {
    if (!boxes_j) {
      Report(problems, "E_REQUIRED", "template.boxes", "is required");
    } else {
      Reader b(*boxes_j, "template.boxes", problems);
      for (size_t i = 0; i < std::size(kBoxes); ++i) {
        if (const Json* bj = b.Raw(kBoxes[i].name))
          boxes[i] = ReadBox(*bj, kBoxes[i], *width, *height, b.PathOf(kBoxes[i].name), problems);
      }
      b.Finish();
    }
  }

  if (!data) {
    Report(problems, "E_REQUIRED", "data", "is required");
    return std::nullopt;
  }
  Reader d(*data, "data", problems);
  const auto qr = d.Str("share_url", std::nullopt, kMaxQrTextBytes);
  if (qr && qr->empty())
    Report(problems, "E_POSTER_QR", "data.share_url", "the QR code needs a share link");
  const std::string qr_text = qr.value_or("");
  const std::string title = d.Str("title", std::string(), kMaxTitleBytes).value_or("");
  const std::string nickname = d.Str("nickname", std::string(), kMaxNicknameBytes).value_or("");
  const std::string avatar = ImageUrl(d, "avatar_url");
  const std::string product = ImageUrl(d, "product_image_url");
  const std::string background = ImageUrl(d, "background_image_url");
  std::optional<int64_t> price, commission;
  if (d.Raw("price_fen")) price = d.Amount("price_fen");
  if (d.Raw("commission_fen")) commission = d.Amount("commission_fen");
  d.Finish();
  if (problems.size() != before) return std::nullopt;

  Json items = Json::array();
  items.push_back({{"kind", "rect"},
                   {"role", "background"},
                   {"x", 0},
                   {"y", 0},
                   {"w", *width},
                   {"h", *height},
                   {"color", bg},
                   {"radius", 0}});
  const std::vector<std::string> nick_cps = CodePoints(nickname);
  for (size_t i = 0; i < std::size(kBoxes); ++i) {
    if (!boxes[i]) continue;
    const Box& b = *boxes[i];
    const std::string name = kBoxes[i].name;
    const auto image = [&](const std::string& url) {
      Json j = {{"kind", "image"},
                {"role", name},
                {"x", b.x},
                {"y", b.y},
                {"w", b.w},
                {"h", b.h},
                {"shape", b.shape},
                {"radius", b.radius},
                {"url", url.empty() ? Json(nullptr) : Json(url)},
                {"placeholder_color", "#eeeeee"}};
      if (name == "avatar") j["fallback_text"] = nick_cps.empty() ? "" : nick_cps[0];
      items.push_back(std::move(j));
    };
    const auto text = [&](const std::string& s, bool wrap) {
      const int cap = static_cast<int>(Capacity(b));
      WrappedText w;
      if (wrap) {
        w = WrapText(s, cap, static_cast<int>(b.max_lines));
      } else {
        w.lines.push_back(s);  // money is never cut: the renderer squeezes it into the box instead
      }
      const bool fits = wrap ? !w.truncated : TextHalfEms(s) <= cap;
      if (!w.lines.empty()) items.push_back(TextItem(name.c_str(), b, w, fits));
    };
    if (name == "background") {
      if (!background.empty()) image(background);
    } else if (name == "avatar") {
      image(avatar);
    } else if (name == "product_image") {
      image(product);
    } else if (name == "nickname") {
      text(nickname, true);
    } else if (name == "title") {
      text(title, true);
    } else if (name == "tagline" || name == "qr_caption") {
      text(b.text, true);
    } else if (name == "price") {
      if (price) text(FormatYuan(*price), false);
    } else if (name == "commission") {
      // Nothing to earn, nothing to show: "分享赚 ¥0.00" would only discourage sharing.
      if (!commission || *commission == 0) continue;
      const std::string s = "分享赚 " + FormatYuan(*commission);
      const int64_t text_w = (TextHalfEms(s) * b.font_px + 1) / 2;
      const int64_t tag_w = std::min(b.w, text_w + 2 * b.padding);
      items.push_back({{"kind", "rect"},
                       {"role", "commission_bg"},
                       {"x", b.x},
                       {"y", b.y},
                       {"w", tag_w},
                       {"h", b.h},
                       {"color", b.bg_color},
                       {"radius", b.radius}});
      Box inner = b;
      inner.x = b.x + b.padding;
      inner.y = b.y + b.padding;
      inner.w = tag_w - 2 * b.padding;
      inner.padding = 0;
      WrappedText w;
      w.lines.push_back(s);
      items.push_back(TextItem("commission", inner, w, text_w <= inner.w));
    } else if (name == "qr") {
      if (!qr_text.empty())
        items.push_back({{"kind", "qr"},
                         {"role", "qr"},
                         {"x", b.x},
                         {"y", b.y},
                         {"w", b.w},
                         {"h", b.h},
                         {"text", qr_text},
                         {"ecc", "M"},
                         {"color", "#000000"},
                         {"bg_color", "#ffffff"}});
    }
  }
  return Json{{"width", *width}, {"height", *height}, {"items", items}};
}

}  // namespace engine
