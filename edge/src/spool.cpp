#include "kite/edge/spool.hpp"

#include <limits>

#include <sqlite3.h>

#include <fmt/format.h>

#include "kite/runtime/error.hpp"

namespace kite::edge {

namespace {

/// Rows make_room reads at a time while looking for enough bytes to drop.
constexpr int room_chunk = 256;

/// Resets `stmt` when it goes out of scope, so the next use starts clean.
class statement_use {
public:
  explicit statement_use(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~statement_use() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  statement_use(const statement_use&) = delete;
  statement_use& operator=(const statement_use&) = delete;
  sqlite3_stmt* operator*() const { return stmt_; }

private:
  sqlite3_stmt* stmt_;
};

} // namespace

caf::expected<std::unique_ptr<spool>> spool::open(spool_config cfg) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(cfg.path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    auto text = fmt::format("spool '{}': cannot open: {}", cfg.path,
                            db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return make_error(errc::io, std::move(text));
  }
  std::unique_ptr<spool> out{new spool(std::move(cfg), db)};
  if (auto err = out->prepare()) return err;
  return out;
}

spool::spool(spool_config cfg, sqlite3* db) : cfg_(std::move(cfg)), db_(db) {}

spool::~spool() {
  for (auto* stmt : {insert_, select_, remove_, oldest_sizes_, remove_through_})
    sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

caf::error spool::failure(const char* what) const {
  return make_error(errc::io,
                    fmt::format("spool '{}': {}: {}", cfg_.path, what, sqlite3_errmsg(db_)));
}

caf::error spool::exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return failure(sql);
  return {};
}

caf::error spool::prepare() {
  // WAL: appends do not block reads, and a killed process loses no committed transaction.
  if (auto err = exec("PRAGMA journal_mode=WAL")) return err;
  if (auto err = exec(cfg_.sync_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"))
    return err;
  if (auto err = exec("CREATE TABLE IF NOT EXISTS records ("
                      " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                      " stream TEXT NOT NULL, at_ns INTEGER NOT NULL, payload BLOB NOT NULL)"))
    return err;
  // Made once, when the file is: a recreated spool numbers from 1 again under a new identity.
  if (auto err = exec("CREATE TABLE IF NOT EXISTS identity (id TEXT NOT NULL);"
                      "INSERT INTO identity SELECT lower(hex(randomblob(8)))"
                      " WHERE NOT EXISTS (SELECT 1 FROM identity)"))
    return err;
  sqlite3_stmt* id = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT id FROM identity", -1, &id, nullptr) != SQLITE_OK)
    return failure("cannot read its identity");
  if (sqlite3_step(id) == SQLITE_ROW)
    identity_ = reinterpret_cast<const char*>(sqlite3_column_text(id, 0));
  sqlite3_finalize(id);
  if (identity_.empty()) return failure("cannot read its identity");
  struct {
    sqlite3_stmt** stmt;
    const char* sql;
  } statements[] = {
      {&insert_, "INSERT INTO records (stream, at_ns, payload) VALUES (?, ?, ?)"},
      {&select_,
       "SELECT seq, stream, at_ns, payload FROM records WHERE seq > ? ORDER BY seq LIMIT ?"},
      {&remove_, "DELETE FROM records WHERE seq = ? RETURNING length(payload)"},
      {&oldest_sizes_, "SELECT seq, length(payload) FROM records WHERE seq > ? ORDER BY seq "
                       "LIMIT ?"},
      {&remove_through_, "DELETE FROM records WHERE seq <= ?"},
  };
  for (auto& s : statements)
    if (sqlite3_prepare_v3(db_, s.sql, -1, SQLITE_PREPARE_PERSISTENT, s.stmt, nullptr) != SQLITE_OK)
      return failure("cannot prepare its statements");
  sqlite3_stmt* count = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT count(*), coalesce(sum(length(payload)), 0) FROM records", -1,
                         &count, nullptr) != SQLITE_OK)
    return failure("cannot count its records");
  if (sqlite3_step(count) == SQLITE_ROW) {
    stats_.records = static_cast<uint64_t>(sqlite3_column_int64(count, 0));
    stats_.bytes = static_cast<uint64_t>(sqlite3_column_int64(count, 1));
  }
  sqlite3_finalize(count);
  return {};
}

caf::expected<bool> spool::make_room(uint64_t needed) {
  if (needed > cfg_.max_bytes) return false;
  uint64_t excess =
      stats_.bytes + needed > cfg_.max_bytes ? stats_.bytes + needed - cfg_.max_bytes : 0;
  uint64_t freed = 0;
  uint64_t records = 0;
  uint64_t last = 0;
  while (freed < excess) {
    statement_use sizes{oldest_sizes_};
    sqlite3_bind_int64(*sizes, 1, static_cast<sqlite3_int64>(last));
    sqlite3_bind_int(*sizes, 2, room_chunk);
    int rc = SQLITE_ROW;
    int rows = 0;
    while (freed < excess && (rc = sqlite3_step(*sizes)) == SQLITE_ROW) {
      last = static_cast<uint64_t>(sqlite3_column_int64(*sizes, 0));
      freed += static_cast<uint64_t>(sqlite3_column_int64(*sizes, 1));
      ++records;
      ++rows;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return failure("cannot read its oldest records");
    if (rows == 0) break; // nothing left to drop
  }
  if (records > 0) {
    statement_use remove{remove_through_};
    sqlite3_bind_int64(*remove, 1, static_cast<sqlite3_int64>(last));
    if (sqlite3_step(*remove) != SQLITE_DONE) return failure("cannot drop its oldest records");
    stats_.records -= records;
    stats_.bytes -= freed;
    stats_.dropped_full += records;
  }
  return freed >= excess;
}

caf::expected<std::vector<uint64_t>> spool::append(const std::vector<spool_entry>& batch) {
  auto before = stats_;
  if (auto err = exec("BEGIN IMMEDIATE")) return err;
  // On any failure nothing of the batch stays, and the counts are as they were.
  auto undo = [&](caf::error err) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    stats_ = before;
    return err;
  };
  std::vector<uint64_t> out;
  out.reserve(batch.size());
  for (const auto& entry : batch) {
    uint64_t size = entry.payload.size();
    bool fits = stats_.bytes + size <= cfg_.max_bytes;
    if (!fits && cfg_.policy == kite::spool_config::when_full::drop_oldest) {
      auto room = make_room(size);
      if (!room) return undo(std::move(room.error()));
      fits = *room;
    }
    if (!fits) {
      ++stats_.dropped_full;
      out.push_back(0);
      continue;
    }
    statement_use insert{insert_};
    sqlite3_bind_text(*insert, 1, entry.stream.data(), static_cast<int>(entry.stream.size()),
                      SQLITE_STATIC);
    sqlite3_bind_int64(*insert, 2, entry.at_ns);
    sqlite3_bind_blob(*insert, 3, entry.payload.data(), static_cast<int>(entry.payload.size()),
                      SQLITE_STATIC);
    if (sqlite3_step(*insert) != SQLITE_DONE) return undo(failure("cannot store a record"));
    out.push_back(static_cast<uint64_t>(sqlite3_last_insert_rowid(db_)));
    ++stats_.records;
    stats_.bytes += size;
    ++stats_.appended;
  }
  if (auto err = exec("COMMIT")) return undo(std::move(err));
  return out;
}

caf::expected<std::vector<spool_record>> spool::oldest(size_t max, uint64_t after) {
  std::vector<spool_record> out;
  statement_use select{select_};
  sqlite3_bind_int64(*select, 1, static_cast<sqlite3_int64>(after));
  sqlite3_bind_int64(*select, 2, static_cast<sqlite3_int64>(max));
  int rc;
  while ((rc = sqlite3_step(*select)) == SQLITE_ROW) {
    spool_record r;
    r.sequence = static_cast<uint64_t>(sqlite3_column_int64(*select, 0));
    auto stream = sqlite3_column_text(*select, 1);
    r.stream.assign(reinterpret_cast<const char*>(stream),
                    static_cast<size_t>(sqlite3_column_bytes(*select, 1)));
    r.at_ns = sqlite3_column_int64(*select, 2);
    auto payload = static_cast<const char*>(sqlite3_column_blob(*select, 3));
    r.payload.assign(payload == nullptr ? "" : payload,
                     static_cast<size_t>(sqlite3_column_bytes(*select, 3)));
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return failure("cannot read its records");
  return out;
}

caf::error spool::acknowledge(const std::vector<uint64_t>& sequences) {
  auto before = stats_;
  if (auto err = exec("BEGIN IMMEDIATE")) return err;
  for (auto sequence : sequences) {
    statement_use remove{remove_};
    sqlite3_bind_int64(*remove, 1, static_cast<sqlite3_int64>(sequence));
    int rc = sqlite3_step(*remove);
    if (rc == SQLITE_ROW) {
      stats_.bytes -= static_cast<uint64_t>(sqlite3_column_int64(*remove, 0));
      --stats_.records;
      ++stats_.acknowledged;
      rc = sqlite3_step(*remove);
    }
    if (rc != SQLITE_DONE) {
      auto err = failure("cannot remove an acknowledged record");
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      stats_ = before;
      return err;
    }
  }
  return exec("COMMIT");
}

caf::expected<uint64_t> spool::expire(int64_t now_ns) {
  auto cutoff = now_ns - std::chrono::duration_cast<std::chrono::nanoseconds>(cfg_.max_age).count();
  // Records age in sequence order: the scan stops at the first one young enough, so it costs
  // what it drops. One stamped before 2020 was stamped by a clock not yet set (a robot that
  // boots without a real-time clock); it is not judged by its age, and ends the scan too.
  constexpr int64_t clock_set_ns = 1'577'836'800'000'000'000; // 2020-01-01
  sqlite3_stmt* first_kept = nullptr;
  if (sqlite3_prepare_v2(db_,
                         "SELECT seq FROM records WHERE at_ns >= ? OR at_ns < ? ORDER BY seq "
                         "LIMIT 1",
                         -1, &first_kept, nullptr) != SQLITE_OK)
    return failure("cannot expire old records");
  sqlite3_bind_int64(first_kept, 1, cutoff);
  sqlite3_bind_int64(first_kept, 2, clock_set_ns);
  auto rc = sqlite3_step(first_kept);
  auto keep_from =
      rc == SQLITE_ROW ? sqlite3_column_int64(first_kept, 0) : std::numeric_limits<int64_t>::max();
  sqlite3_finalize(first_kept);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return failure("cannot expire old records");
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, "DELETE FROM records WHERE seq < ? RETURNING length(payload)", -1,
                         &stmt, nullptr) != SQLITE_OK)
    return failure("cannot expire old records");
  sqlite3_bind_int64(stmt, 1, keep_from);
  uint64_t dropped = 0;
  uint64_t bytes = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    ++dropped;
    bytes += static_cast<uint64_t>(sqlite3_column_int64(stmt, 0));
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return failure("cannot expire old records");
  stats_.records -= dropped;
  stats_.bytes -= bytes;
  stats_.dropped_age += dropped;
  return dropped;
}

} // namespace kite::edge
