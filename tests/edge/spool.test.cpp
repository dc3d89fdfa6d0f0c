#include "kite/edge/spool.hpp"

#include <algorithm>
#include <csignal>
#include <set>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "../runtime/temp_dir.hpp"
#include "kite/runtime/error.hpp"

using namespace kite::edge;
using kite::spool_config;

namespace {

spool_config config_in(const kite::test::temp_dir& dir, uint64_t max_bytes = 1 << 20) {
  spool_config out;
  out.path = dir.path() + "/spool.db";
  out.max_bytes = max_bytes;
  return out;
}

std::vector<spool_entry> entries(int first, int count, size_t size = 10, int64_t at_ns = 1) {
  std::vector<spool_entry> out;
  for (int i = first; i < first + count; ++i) {
    auto payload = std::to_string(i);
    payload.resize(std::max(size, payload.size()), '.');
    out.push_back({"imu", at_ns, payload});
  }
  return out;
}

/// The payloads' leading numbers, oldest first.
std::vector<int> numbers(const std::vector<spool_record>& records) {
  std::vector<int> out;
  for (const auto& r : records)
    out.push_back(std::stoi(r.payload));
  return out;
}

} // namespace

TEST_CASE("spool keeps records in order across a reopen and removes only what is acknowledged") {
  kite::test::temp_dir dir;
  std::vector<uint64_t> sequences;
  {
    auto s = spool::open(config_in(dir));
    REQUIRE(s);
    auto appended = (*s)->append(entries(0, 5));
    REQUIRE(appended);
    sequences = *appended;
    CHECK(std::is_sorted(sequences.begin(), sequences.end()));
    REQUIRE_FALSE((*s)->acknowledge({sequences[0], sequences[2], 999999}));
    CHECK((*s)->stats().records == 3);
    CHECK((*s)->stats().acknowledged == 2);
  }
  auto s = spool::open(config_in(dir));
  REQUIRE(s);
  CHECK((*s)->stats().records == 3);
  CHECK((*s)->stats().bytes == 30);
  auto left = (*s)->oldest(10);
  REQUIRE(left);
  CHECK(numbers(*left) == std::vector<int>{1, 3, 4});
  auto after = (*s)->oldest(10, sequences[3]);
  REQUIRE(after);
  CHECK(numbers(*after) == std::vector<int>{4});
  // Sequence numbers keep growing after a restart, even past acknowledged ones.
  auto more = (*s)->append(entries(5, 1));
  REQUIRE(more);
  CHECK(more->at(0) > sequences.back());
}

TEST_CASE("spool drops the oldest when full and counts it") {
  kite::test::temp_dir dir;
  auto s = spool::open(config_in(dir, 100)); // ten 10-byte records
  REQUIRE(s);
  REQUIRE((*s)->append(entries(0, 10)));
  auto appended = (*s)->append(entries(10, 3));
  REQUIRE(appended);
  CHECK(std::count(appended->begin(), appended->end(), 0u) == 0);
  CHECK((*s)->stats().dropped_full == 3);
  CHECK((*s)->stats().bytes == 100);
  auto kept = (*s)->oldest(100);
  REQUIRE(kept);
  CHECK(numbers(*kept) == std::vector<int>{3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
}

TEST_CASE("spool refuses the newest when full under drop_newest and counts it") {
  kite::test::temp_dir dir;
  auto cfg = config_in(dir, 100);
  cfg.policy = kite::spool_config::when_full::drop_newest;
  auto s = spool::open(cfg);
  REQUIRE(s);
  REQUIRE((*s)->append(entries(0, 9)));
  auto appended = (*s)->append(entries(9, 3));
  REQUIRE(appended);
  CHECK(appended->at(0) != 0);
  CHECK(appended->at(1) == 0);
  CHECK(appended->at(2) == 0);
  CHECK((*s)->stats().dropped_full == 2);
  auto kept = (*s)->oldest(100);
  REQUIRE(kept);
  CHECK(numbers(*kept).front() == 0);
  CHECK(numbers(*kept).back() == 9);
}

TEST_CASE("spool refuses a record larger than the whole spool, whatever the policy") {
  kite::test::temp_dir dir;
  auto s = spool::open(config_in(dir, 100));
  REQUIRE(s);
  REQUIRE((*s)->append(entries(0, 2)));
  auto appended = (*s)->append(entries(2, 1, 101));
  REQUIRE(appended);
  CHECK(appended->at(0) == 0);
  CHECK((*s)->stats().records == 2); // nothing was dropped for it
}

TEST_CASE("spool expires records older than max_age and counts them") {
  kite::test::temp_dir dir;
  auto cfg = config_in(dir);
  cfg.max_age = std::chrono::seconds(10);
  auto s = spool::open(cfg);
  REQUIRE(s);
  const int64_t second = 1'000'000'000;
  const int64_t t0 = 1'800'000'000 * second; // 2027
  REQUIRE((*s)->append(entries(0, 2, 10, t0 + 1 * second)));
  REQUIRE((*s)->append(entries(2, 2, 10, t0 + 20 * second)));
  auto dropped = (*s)->expire(t0 + 25 * second);
  REQUIRE(dropped);
  CHECK(*dropped == 2);
  CHECK((*s)->stats().dropped_age == 2);
  auto kept = (*s)->oldest(10);
  REQUIRE(kept);
  CHECK(numbers(*kept) == std::vector<int>{2, 3});
}

TEST_CASE("spool does not judge by age what a clock not yet set stamped, nor what follows it") {
  kite::test::temp_dir dir;
  auto cfg = config_in(dir);
  cfg.max_age = std::chrono::seconds(10);
  auto s = spool::open(cfg);
  REQUIRE(s);
  const int64_t second = 1'000'000'000;
  const int64_t t0 = 1'800'000'000 * second;
  // A robot booted in 1970 and set its clock after the second record.
  REQUIRE((*s)->append(entries(0, 2, 10, 5 * second)));
  REQUIRE((*s)->append(entries(2, 2, 10, t0)));
  auto dropped = (*s)->expire(t0 + 60 * second);
  REQUIRE(dropped);
  CHECK(*dropped == 0);
  CHECK((*s)->stats().records == 4);
}

TEST_CASE("spool names the file when it cannot be opened") {
  spool_config cfg;
  cfg.path = "/nonexistent-dir/spool.db";
  auto s = spool::open(cfg);
  REQUIRE_FALSE(s);
  CHECK_THAT(kite::describe(s.error()), Catch::Contains("/nonexistent-dir/spool.db"));
}

namespace {

/// Runs `work` in a child process that reports sequence numbers on a pipe, kills it with
/// SIGKILL once it has reported `kill_after` of them, and returns every number it reported.
template <class Work> std::vector<uint64_t> killed_midway(size_t kill_after, Work work) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(fds[0]);
    work([fd = fds[1]](uint64_t sequence) {
      if (::write(fd, &sequence, sizeof sequence) != sizeof sequence) ::_exit(3);
    });
    ::_exit(0);
  }
  ::close(fds[1]);
  std::vector<uint64_t> reported;
  uint64_t sequence = 0;
  bool killed = false;
  while (::read(fds[0], &sequence, sizeof sequence) == sizeof sequence) {
    reported.push_back(sequence);
    if (!killed && reported.size() >= kill_after) {
      ::kill(child, SIGKILL);
      killed = true;
    }
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(killed);
  CHECK(WIFSIGNALED(status));
  return reported;
}

} // namespace

TEST_CASE("spool: kill -9 during ingest loses nothing whose append returned") {
  kite::test::temp_dir dir;
  auto cfg = config_in(dir, 64 << 20);
  auto acknowledged = killed_midway(3000, [&](auto report) {
    auto s = spool::open(cfg);
    if (!s) ::_exit(2);
    for (int batch = 0;; ++batch) {
      auto appended = (*s)->append(entries(batch * 10, 10, 256));
      if (!appended) ::_exit(2);
      for (auto sequence : *appended)
        report(sequence); // acknowledged to the source only now
    }
  });
  auto s = spool::open(cfg);
  REQUIRE(s);
  auto kept = (*s)->oldest(1'000'000);
  REQUIRE(kept);
  std::set<uint64_t> stored;
  for (const auto& r : *kept)
    stored.insert(r.sequence);
  CHECK(stored.size() == kept->size());
  for (auto sequence : acknowledged)
    CHECK(stored.count(sequence) == 1);
  // In order, and each payload the one appended under that number.
  for (size_t i = 0; i < kept->size(); ++i)
    CHECK(std::stoi((*kept)[i].payload) == static_cast<int>(i));
}

TEST_CASE("spool: kill -9 during drain keeps everything not acknowledged, and nothing that was") {
  kite::test::temp_dir dir;
  auto cfg = config_in(dir, 64 << 20);
  {
    auto s = spool::open(cfg);
    REQUIRE(s);
    for (int batch = 0; batch < 100; ++batch)
      REQUIRE((*s)->append(entries(batch * 100, 100, 64)));
  }
  auto delivered = killed_midway(2000, [&](auto report) {
    auto s = spool::open(cfg);
    if (!s) ::_exit(2);
    for (;;) {
      auto next = (*s)->oldest(50);
      if (!next || next->empty()) ::_exit(2);
      std::vector<uint64_t> sequences;
      for (const auto& r : *next) {
        sequences.push_back(r.sequence);
        report(r.sequence); // the cloud has it
      }
      if ((*s)->acknowledge(sequences)) ::_exit(2); // so the spool lets it go
    }
  });
  auto s = spool::open(cfg);
  REQUIRE(s);
  auto kept = (*s)->oldest(1'000'000);
  REQUIRE(kept);
  std::set<uint64_t> sent{delivered.begin(), delivered.end()};
  CHECK(sent.size() == delivered.size()); // none sent twice while it ran
  // Nothing lost: every record is still here or reached the cloud.
  std::set<int> accounted;
  for (const auto& r : *kept)
    accounted.insert(std::stoi(r.payload));
  CHECK(accounted.size() == kept->size());
  size_t both = 0;
  for (const auto& r : *kept)
    both += sent.count(r.sequence);
  CHECK(kept->size() + sent.size() - both == 10'000);
  // Only the batch in flight at the kill can be both delivered and still here: it is sent
  // again after the restart, and the cloud drops it by sequence number.
  CHECK(both <= 50);
  CHECK(std::is_sorted(kept->begin(), kept->end(),
                       [](const auto& a, const auto& b) { return a.sequence < b.sequence; }));
}

TEST_CASE("spool: a full disk is an error naming the spool, and it goes on once there is room") {
  kite::test::temp_dir dir;
  auto cfg = config_in(dir, 64 << 20);
  // The file size limit stands in for a full disk: writes past it fail (EFBIG) as they would
  // with ENOSPC. In a child, so the limit ends with it.
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    auto s = spool::open(cfg);
    if (!s || !(*s)->append(entries(0, 10, 256))) ::_exit(10);
    rlimit limit{};
    ::getrlimit(RLIMIT_FSIZE, &limit);
    auto unlimited = limit;
    limit.rlim_cur = 256 * 1024;
    ::setrlimit(RLIMIT_FSIZE, &limit);
    auto full = (*s)->append(entries(10, 4000, 256)); // 1 MB: past the limit
    if (full) ::_exit(11);
    if (kite::describe(full.error()).find(cfg.path) == std::string::npos) ::_exit(12);
    if ((*s)->stats().records != 10) ::_exit(13); // none of the batch counted
    auto kept = (*s)->oldest(100);
    if (!kept || kept->size() != 10) ::_exit(14); // what was there is still there
    ::setrlimit(RLIMIT_FSIZE, &unlimited);        // room again
    auto later = (*s)->append(entries(10, 5, 256));
    if (!later || (*s)->stats().records != 15) ::_exit(15);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  auto s = spool::open(cfg);
  REQUIRE(s);
  CHECK((*s)->stats().records == 15);
}
