// The recorded-sample formats a replay source reads (docs/pipeline.md):
// - CSV: one sample per line, `timestamp_ns,value,value,...`; blank lines and lines starting
//   with '#' are skipped.
// - Binary: the 8 bytes "KITESMP1", then per sample a little-endian int64 timestamp_ns, a
//   uint32 channel count and that many float32 values.
// A UDP source reads each datagram as `value,value,...`.
#pragma once

#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

#include "kite/runtime/pipeline_config.hpp"

namespace kite::actors {

/// The first bytes of a binary recording.
constexpr std::string_view binary_recording_magic = "KITESMP1";

/// Channels per sample at most, in either format.
constexpr uint32_t max_recorded_values = 1u << 20;

/// One sample as recorded.
struct recorded_sample {
  int64_t timestamp_ns = 0;
  std::vector<float> values;
};

/// Parses comma-separated finite numbers; false, leaving `out` unspecified, for anything else.
bool parse_values(std::string_view text, std::vector<float>& out);

/// The binary encoding of one sample, as written after the magic.
std::string encode_binary_sample(const recorded_sample& sample);

/// Reads a recording sample by sample; errors name the file and the line or byte offset.
class sample_reader {
public:
  /// Opens `path`; an errc::io error when it cannot be read or lacks the binary magic.
  static caf::expected<sample_reader> open(const std::string& path, replay_config::format format);

  /// The next sample; none at the end. A malformed sample is an errc::io error, after which
  /// reading goes on with the next line (CSV) or stops (binary: the framing is lost).
  caf::expected<std::optional<recorded_sample>> next();

  /// Back to the first sample.
  void rewind();

private:
  sample_reader(std::string path, replay_config::format format, std::ifstream in)
      : path_(std::move(path)), format_(format), in_(std::move(in)) {}

  std::string path_;
  replay_config::format format_;
  std::ifstream in_;
  uint64_t line_ = 0;
  bool broken_ = false;
};

} // namespace kite::actors
