// The edge's store-and-forward spool: records of upload-marked streams wait on disk, in a SQLite
// database in WAL mode, until the cloud acknowledges them. Bounded by bytes and by age; when
// full, the declared policy drops the oldest records or refuses the newest, and counts them.
// Sequence numbers only grow, across restarts too, so the cloud deduplicates by them. A record
// appended (the call returned) survives the process being killed at any moment; with
// `sync: full` it also survives a power cut. Its settings are spool_config, the edge's `spool:`.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "kite/runtime/config.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace kite::edge {

/// One record to append.
struct spool_entry {
  std::string stream;
  /// When the source produced it, in nanoseconds since the epoch.
  int64_t at_ns = 0;
  std::string payload;
};

/// One stored record.
struct spool_record {
  uint64_t sequence = 0;
  std::string stream;
  int64_t at_ns = 0;
  std::string payload;
};

struct spool_stats {
  uint64_t records = 0;
  uint64_t bytes = 0;
  uint64_t appended = 0;
  uint64_t acknowledged = 0;
  /// Dropped to make room (drop_oldest) or refused (drop_newest).
  uint64_t dropped_full = 0;
  uint64_t dropped_age = 0;
};

/// Not thread-safe: one owner appends, reads and acknowledges.
class spool {
public:
  /// Opens (or creates) the spool at cfg.path; an error names the file and what failed.
  static caf::expected<std::unique_ptr<spool>> open(spool_config cfg);

  ~spool();
  spool(const spool&) = delete;
  spool& operator=(const spool&) = delete;

  /// Appends `batch` in one transaction, in order; returns each entry's sequence number, 0 for
  /// one refused because the spool is full (drop_newest). An error (a full disk, say) appends
  /// none of them and leaves the spool as it was.
  caf::expected<std::vector<uint64_t>> append(const std::vector<spool_entry>& batch);

  /// Up to `max` records with sequence numbers above `after`, oldest first.
  caf::expected<std::vector<spool_record>> oldest(size_t max, uint64_t after = 0);

  /// The cloud has these records: they are removed. Unknown sequence numbers are ignored.
  caf::error acknowledge(const std::vector<uint64_t>& sequences);

  /// Drops the records older than max_age at `now_ns`, oldest first, up to the first younger
  /// one or one stamped before 2020 (by a clock not yet set); returns how many.
  caf::expected<uint64_t> expire(int64_t now_ns);

  const spool_stats& stats() const { return stats_; }

  /// Random, made with the file: sequence numbers are unique under it, also when the file is
  /// deleted and made again (and numbers start over).
  const std::string& identity() const { return identity_; }

private:
  spool(spool_config cfg, sqlite3* db);

  /// Prepares the statements and loads the counts of what is stored.
  caf::error prepare();
  /// Drops the oldest records until `needed` more bytes fit; false when they cannot.
  caf::expected<bool> make_room(uint64_t needed);
  caf::error failure(const char* what) const;
  caf::error exec(const char* sql);

  spool_config cfg_;
  sqlite3* db_;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* select_ = nullptr;
  sqlite3_stmt* remove_ = nullptr;
  sqlite3_stmt* oldest_sizes_ = nullptr;
  sqlite3_stmt* remove_through_ = nullptr;
  spool_stats stats_;
  std::string identity_;
};

} // namespace kite::edge
