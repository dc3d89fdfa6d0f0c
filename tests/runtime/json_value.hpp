// A small JSON reader for tests that check what a command or page printed, value by value.
#pragma once

#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace kite::test {

/// One JSON value; a member or item that is absent throws, naming it.
struct json_value {
  enum class kind { null, boolean, number, string, array, object } type = kind::null;
  bool flag = false;
  double number = 0;
  std::string text;
  std::vector<json_value> items;
  std::map<std::string, json_value> members;

  const json_value& operator[](const std::string& name) const {
    auto i = members.find(name);
    if (type != kind::object || i == members.end())
      throw std::runtime_error("JSON: no member '" + name + "'");
    return i->second;
  }
  const json_value& operator[](size_t index) const {
    if (type != kind::array || index >= items.size())
      throw std::runtime_error("JSON: no item " + std::to_string(index));
    return items[index];
  }
};

namespace detail {

/// Recursive descent over `in` from `at`; throws naming the offset of what it cannot read.
class json_reader {
public:
  explicit json_reader(const std::string& in) : in_(in) {}

  json_value whole() {
    auto out = value();
    space();
    if (at_ != in_.size()) fail("text after the value");
    return out;
  }

private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("JSON at offset " + std::to_string(at_) + ": " + what);
  }
  void space() {
    while (at_ < in_.size() &&
           (in_[at_] == ' ' || in_[at_] == '\n' || in_[at_] == '\r' || in_[at_] == '\t'))
      ++at_;
  }
  bool take(char c) {
    space();
    if (at_ < in_.size() && in_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!take(c)) fail(std::string{"expected '"} + c + "'");
  }
  bool word(const char* w) {
    std::string s{w};
    if (in_.compare(at_, s.size(), s) != 0) return false;
    at_ += s.size();
    return true;
  }
  /// Appends code point `code` (of the Basic Multilingual Plane, which one \\u escape holds) as
  /// UTF-8.
  static void append_utf8(std::string& out, unsigned long code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xc0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3f));
    } else {
      out += static_cast<char>(0xe0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (code & 0x3f));
    }
  }
  std::string string() {
    expect('"');
    std::string out;
    while (at_ < in_.size() && in_[at_] != '"') {
      char c = in_[at_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_ >= in_.size()) break;
      char e = in_[at_++];
      switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        if (at_ + 4 > in_.size()) fail("a short \\u escape");
        auto code = std::strtoul(in_.substr(at_, 4).c_str(), nullptr, 16);
        at_ += 4;
        append_utf8(out, code);
        break;
      }
      default:
        out += e;
      }
    }
    if (at_ >= in_.size()) fail("an unterminated string");
    ++at_;
    return out;
  }
  json_value value() {
    space();
    json_value out;
    if (at_ >= in_.size()) fail("the text ended before a value");
    char c = in_[at_];
    if (c == '{') {
      ++at_;
      out.type = json_value::kind::object;
      if (take('}')) return out;
      do {
        space();
        auto name = string();
        expect(':');
        out.members[name] = value();
      } while (take(','));
      expect('}');
    } else if (c == '[') {
      ++at_;
      out.type = json_value::kind::array;
      if (take(']')) return out;
      do
        out.items.push_back(value());
      while (take(','));
      expect(']');
    } else if (c == '"') {
      out.type = json_value::kind::string;
      out.text = string();
    } else if (word("true")) {
      out.type = json_value::kind::boolean;
      out.flag = true;
    } else if (word("false")) {
      out.type = json_value::kind::boolean;
    } else if (word("null")) {
      out.type = json_value::kind::null;
    } else {
      char* end = nullptr;
      out.number = std::strtod(in_.c_str() + at_, &end);
      if (end == in_.c_str() + at_) fail("not a value");
      out.type = json_value::kind::number;
      at_ = static_cast<size_t>(end - in_.c_str());
    }
    return out;
  }

  const std::string& in_;
  size_t at_ = 0;
};

} // namespace detail

/// `text` as one JSON value; throws std::runtime_error naming the offset of an error.
inline json_value parse_json(const std::string& text) {
  return detail::json_reader{text}.whole();
}

} // namespace kite::test
