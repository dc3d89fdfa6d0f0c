#include "kite/actors/sample_codec.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "kite/runtime/error.hpp"

namespace kite::actors {

namespace {

template <class T> void put_le(std::string& out, T value) {
  static_assert(std::is_integral_v<T>);
  for (size_t i = 0; i < sizeof(T); ++i)
    out.push_back(
        static_cast<char>((static_cast<std::make_unsigned_t<T>>(value) >> (8 * i)) & 0xff));
}

template <class T> bool get_le(std::istream& in, T& value) {
  unsigned char bytes[sizeof(T)];
  if (!in.read(reinterpret_cast<char*>(bytes), sizeof(T))) return false;
  std::make_unsigned_t<T> v = 0;
  for (size_t i = 0; i < sizeof(T); ++i)
    v |= static_cast<std::make_unsigned_t<T>>(bytes[i]) << (8 * i);
  value = static_cast<T>(v);
  return true;
}

std::string shortened(std::string_view text) {
  return text.size() <= 60 ? std::string{text} : std::string{text.substr(0, 57)} + "...";
}

} // namespace

bool parse_values(std::string_view text, std::vector<float>& out) {
  out.clear();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.remove_suffix(1);
  if (text.empty()) return false;
  std::string field;
  size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto end = comma == std::string_view::npos ? text.size() : comma;
    field.assign(text.substr(start, end - start));
    errno = 0;
    char* parsed_to = nullptr;
    auto value = std::strtof(field.c_str(), &parsed_to);
    while (parsed_to != nullptr && *parsed_to == ' ')
      ++parsed_to;
    if (field.empty() || errno != 0 || parsed_to != field.c_str() + field.size() ||
        !std::isfinite(value) || out.size() >= max_recorded_values)
      return false;
    out.push_back(value);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return true;
}

std::string encode_binary_sample(const recorded_sample& sample) {
  std::string out;
  put_le(out, sample.timestamp_ns);
  put_le(out, static_cast<uint32_t>(sample.values.size()));
  for (float value : sample.values) {
    uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    put_le(out, bits);
  }
  return out;
}

caf::expected<sample_reader> sample_reader::open(const std::string& path,
                                                 replay_config::format format) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return make_error(errc::io,
                      fmt::format("{}: cannot open the recording: {}", path, std::strerror(errno)));
  sample_reader reader{path, format, std::move(in)};
  reader.rewind();
  if (reader.broken_)
    return make_error(errc::io, fmt::format("{}: not a binary recording: it does not start "
                                            "with {}",
                                            path, binary_recording_magic));
  return reader;
}

void sample_reader::rewind() {
  in_.clear();
  in_.seekg(0);
  line_ = 0;
  broken_ = false;
  if (format_ != replay_config::format::binary) return;
  std::string magic(binary_recording_magic.size(), '\0');
  broken_ = !in_.read(magic.data(), static_cast<std::streamsize>(magic.size())) ||
            magic != binary_recording_magic;
}

caf::expected<std::optional<recorded_sample>> sample_reader::next() {
  recorded_sample out;
  if (format_ == replay_config::format::csv) {
    std::string line;
    while (std::getline(in_, line)) {
      ++line_;
      auto first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos || line[first] == '#') continue;
      auto comma = line.find(',');
      char* end = nullptr;
      errno = 0;
      out.timestamp_ns = std::strtoll(line.c_str(), &end, 10);
      if (comma == std::string::npos || errno != 0 || end != line.c_str() + comma ||
          !parse_values(std::string_view{line}.substr(comma + 1), out.values))
        return make_error(errc::io,
                          fmt::format("{}:{}: expected timestamp_ns,value,value,... got '{}'",
                                      path_, line_, shortened(line)));
      return std::optional<recorded_sample>{std::move(out)};
    }
    return std::optional<recorded_sample>{};
  }
  if (broken_) return std::optional<recorded_sample>{};
  auto offset = static_cast<long long>(in_.tellg());
  uint32_t count = 0;
  // No byte left is the end; some, but not a whole timestamp, is a cut sample.
  if (in_.peek() == std::char_traits<char>::eof()) return std::optional<recorded_sample>{};
  broken_ = true; // until the whole sample is read
  if (!get_le(in_, out.timestamp_ns))
    return make_error(errc::io, fmt::format("{}: byte {}: the file ends inside a sample's "
                                            "timestamp",
                                            path_, offset));
  if (!get_le(in_, count) || count > max_recorded_values)
    return make_error(errc::io, fmt::format("{}: byte {}: a sample's channel count is missing "
                                            "or above {}",
                                            path_, offset + 8, max_recorded_values));
  out.values.resize(count);
  for (auto& value : out.values) {
    uint32_t bits = 0;
    if (!get_le(in_, bits))
      return make_error(errc::io, fmt::format("{}: byte {}: the file ends inside a sample of "
                                              "{} channels",
                                              path_, offset, count));
    std::memcpy(&value, &bits, sizeof value);
    if (!std::isfinite(value))
      return make_error(errc::io, fmt::format("{}: byte {}: a sample holds a value that is not "
                                              "a finite number",
                                              path_, offset));
  }
  broken_ = false;
  return std::optional<recorded_sample>{std::move(out)};
}

} // namespace kite::actors
