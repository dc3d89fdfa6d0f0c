// The stages and sinks edge.yaml can name, as logics for the stage actor.
#pragma once

#include <memory>

#include "kite/actors/stage_logic.hpp"
#include "kite/runtime/pipeline_config.hpp"

namespace kite::actors {

/// Passes items whose value lies within [min, max]; items without that value are dropped.
std::unique_ptr<stage_logic> make_filter(const filter_config& cfg);

/// Passes the first item of every `every`.
std::unique_ptr<stage_logic> make_downsample(const downsample_config& cfg);

/// Turns each sample into a feature: mean, min and max over the last `size` samples.
std::unique_ptr<stage_logic> make_window(const window_config& cfg);

/// Sends an alarm when the value crosses the limit, and one when it is back past the hysteresis.
std::unique_ptr<stage_logic> make_threshold(const threshold_config& cfg);

/// Gathers samples into batches of `size`, sending a smaller one when the oldest waited
/// `max_delay` or the input ended.
std::unique_ptr<stage_logic> make_batcher(const batcher_config& cfg);

/// Logs each item, named by `node`.
std::unique_ptr<stage_logic> make_log_sink(const log_sink_config& cfg, std::string node);

/// Appends each item to a file as a line of text; throws std::runtime_error, naming the file,
/// when it cannot be opened.
std::unique_ptr<stage_logic> make_file_sink(const file_sink_config& cfg);

} // namespace kite::actors
