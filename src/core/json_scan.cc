#include "core/json_scan.h"

#include <cstring>

namespace cryfttee {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view text)
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()) {}

  bool Object(std::vector<JsonMember>* members) {
    Ws();
    if (!Eat('{')) return false;
    Ws();
    if (!Eat('}')) {
      for (;;) {
        Ws();
        JsonMember m;
        if (p_ >= end_ || *p_ != '"') return false;
        const char* key = p_ + 1;
        if (!String(&m.key_escaped)) return false;
        m.key_offset = Offset(key);
        m.key_len = static_cast<uint32_t>(p_ - 1 - key);
        Ws();
        if (!Eat(':')) return false;
        Ws();
        const char* value = p_;
        if (!Value(&m.kind, &m.value_escaped)) return false;
        m.value_offset = Offset(value);
        m.value_len = static_cast<uint32_t>(p_ - value);
        members->push_back(m);
        Ws();
        if (Eat(',')) continue;
        if (Eat('}')) break;
        return false;
      }
    }
    Ws();
    return p_ == end_;
  }

  bool Array(std::vector<JsonMember>* elements) {
    Ws();
    if (!Eat('[')) return false;
    Ws();
    if (!Eat(']')) {
      for (;;) {
        Ws();
        JsonMember m;
        const char* value = p_;
        if (!Value(&m.kind, &m.value_escaped)) return false;
        m.value_offset = Offset(value);
        m.value_len = static_cast<uint32_t>(p_ - value);
        elements->push_back(m);
        Ws();
        if (Eat(',')) continue;
        if (Eat(']')) break;
        return false;
      }
    }
    Ws();
    return p_ == end_;
  }

 private:
  uint32_t Offset(const char* at) const { return static_cast<uint32_t>(at - begin_); }

  bool Eat(char c) {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  void Ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  // Whether the 8 bytes at p may hold a quote, a backslash or a byte below 0x20 (SWAR tests;
  // a borrow can flag a plain byte after a real hit, never miss one).
  static bool SpecialInWord(const char* p) {
    constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
    uint64_t w;
    std::memcpy(&w, p, 8);
    auto zero_lanes = [](uint64_t x) { return (x - kOnes) & ~x & kHighs; };
    return (zero_lanes(w ^ (kOnes * '"')) | zero_lanes(w ^ (kOnes * '\\')) |
            ((w - kOnes * 0x20) & ~w & kHighs)) != 0;
  }

  static int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // Four hex digits at p_ (consumed); -1 if malformed.
  long Hex4() {
    if (end_ - p_ < 4) return -1;
    long v = 0;
    for (int i = 0; i < 4; ++i) {
      int d = Hex(p_[i]);
      if (d < 0) return -1;
      v = v << 4 | d;
    }
    p_ += 4;
    return v;
  }

  // At the opening quote; leaves p_ after the closing one.
  bool String(bool* escaped) {
    ++p_;
    for (;;) {
      // The plain run: everything but the quote, the backslash and control bytes; eight bytes
      // per step while a word holds none of them (a message is most of a megabyte).
      while (end_ - p_ >= 8 && !SpecialInWord(p_)) p_ += 8;
      while (p_ < end_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20) {
        ++p_;
      }
      if (p_ >= end_) return false;
      char c = *p_++;
      if (c == '"') return true;
      if (c != '\\') return false;  // a control byte
      *escaped = true;
      if (p_ >= end_) return false;
      char e = *p_++;
      if (std::strchr("\"\\/bfnrt", e) != nullptr && e != '\0') continue;
      if (e != 'u') return false;
      long cp = Hex4();
      if (cp < 0) return false;
      if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a lone low surrogate
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
        p_ += 2;
        long lo = Hex4();
        if (lo < 0xDC00 || lo > 0xDFFF) return false;
      }
    }
  }

  bool Digits() {
    const char* start = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    return p_ > start;
  }

  bool Number() {
    Eat('-');
    if (p_ >= end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (!(*p_ >= '1' && *p_ <= '9') || !Digits()) {
      return false;
    }
    if (Eat('.') && !Digits()) return false;
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (!Eat('+')) Eat('-');
      if (!Digits()) return false;
    }
    return true;
  }

  bool Literal(const char* word, size_t n) {
    if (static_cast<size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
    p_ += n;
    return true;
  }

  // A scalar at p_ (not an object or array).
  bool Scalar(JsonKind* kind, bool* escaped) {
    if (p_ >= end_) return false;
    switch (*p_) {
      case '"':
        *kind = JsonKind::kString;
        return String(escaped);
      case 't':
        *kind = JsonKind::kBool;
        return Literal("true", 4);
      case 'f':
        *kind = JsonKind::kBool;
        return Literal("false", 5);
      case 'n':
        *kind = JsonKind::kNull;
        return Literal("null", 4);
      default:
        *kind = JsonKind::kNumber;
        return Number();
    }
  }

  // Any value. Containers are walked with an explicit stack (a bit per level: 1 = object), so
  // hostile nesting cannot exhaust the host's stack.
  bool Value(JsonKind* kind, bool* escaped) {
    if (p_ >= end_) return false;
    if (*p_ != '{' && *p_ != '[') return Scalar(kind, escaped);
    *kind = *p_ == '{' ? JsonKind::kObject : JsonKind::kArray;
    uint64_t stack = 0;
    uint32_t depth = 0;
    // After an opening bracket or a comma: expecting a member (object) or a value (array).
    bool expect_item = false;
    for (;;) {
      Ws();
      if (p_ >= end_) return false;
      char c = *p_;
      if (expect_item || depth == 0) {
        if (depth > 0 && (stack & 1)) {
          // A member: "key" ':' then a value.
          bool unused = false;
          if (c != '"' || !String(&unused)) return false;
          Ws();
          if (!Eat(':')) return false;
          Ws();
          if (p_ >= end_) return false;
          c = *p_;
        }
        if (c == '{' || c == '[') {
          if (depth == kJsonScanMaxDepth) return false;
          stack = stack << 1 | (c == '{');
          ++depth;
          ++p_;
          Ws();
          // An empty container closes at once.
          if (p_ < end_ && *p_ == ((stack & 1) ? '}' : ']')) {
            ++p_;
            stack >>= 1;
            if (--depth == 0) return true;
            expect_item = false;
            continue;
          }
          expect_item = true;
          continue;
        }
        JsonKind unused_kind;
        bool unused_escaped = false;
        if (!Scalar(&unused_kind, &unused_escaped)) return false;
        expect_item = false;
        continue;
      }
      // After an item: a comma or the closing bracket of the current container.
      if (c == ',') {
        ++p_;
        expect_item = true;
        continue;
      }
      if (c != ((stack & 1) ? '}' : ']')) return false;
      ++p_;
      stack >>= 1;
      if (--depth == 0) return true;
    }
  }

  const char* begin_;
  const char* p_;
  const char* end_;
};

}  // namespace

bool ScanJsonObject(std::string_view text, std::vector<JsonMember>* members) {
  members->clear();
  if (text.size() > 0xffffffffu) return false;
  return Scanner(text).Object(members);
}

bool ScanJsonArray(std::string_view text, std::vector<JsonMember>* elements) {
  elements->clear();
  if (text.size() > 0xffffffffu) return false;
  return Scanner(text).Array(elements);
}

}  // namespace cryfttee
