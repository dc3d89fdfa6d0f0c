#include "kite/runtime/outlet.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

#include "kite/runtime/protocol.hpp"
#include "queued_items.hpp"

using kite::outlet;
using kite::overflow_policy;
using kite::queue_config;
using kite::stream_queue;
using kite::test::drain;
using kite::test::item;

namespace {

std::shared_ptr<stream_queue> queue_of(uint32_t capacity,
                                       std::vector<std::string> producers = {"src"}) {
  queue_config cfg;
  cfg.capacity = capacity;
  cfg.when_full = overflow_policy::block;
  return std::make_shared<stream_queue>("q", cfg, std::move(producers));
}

/// Takes the oldest item; its number.
int take_one(stream_queue& queue) {
  auto taken = queue.take();
  REQUIRE(taken);
  return taken->get_as<int>(0);
}

/// How many resume_atoms are in `self`'s mailbox; leaves it empty.
int resumes_of(caf::scoped_actor& self) {
  int out = 0;
  for (bool more = true; more;)
    self->receive([&](kite::resume_atom) { ++out; },
                  caf::after(std::chrono::seconds(0)) >> [&] { more = false; });
  return out;
}

struct actors {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;

  actors() {
    cfg.set("scheduler.max-threads", size_t{1});
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

} // namespace

TEST_CASE("outlet sends each item to every queue it feeds, in order") {
  auto first = queue_of(10);
  auto second = queue_of(10);
  outlet out{"src", {first, second}};
  CHECK(out.push(item(1), {}));
  CHECK(out.push(item(2), {}));
  CHECK_FALSE(out.holding());
  CHECK(drain(*first) == std::vector<int>{1, 2});
  CHECK(drain(*second) == std::vector<int>{1, 2});
}

TEST_CASE("outlet holds what a full blocking queue refuses, in order, and flush delivers it") {
  actors a;
  caf::scoped_actor self{*a.sys};
  auto self_handle = caf::actor_cast<caf::actor>(self);
  auto small = queue_of(2);
  auto large = queue_of(10);
  outlet out{"src", {small, large}};
  CHECK(out.push(item(1), self_handle));
  CHECK(out.push(item(2), self_handle));
  CHECK_FALSE(out.push(item(3), self_handle));
  CHECK_FALSE(out.push(item(4), self_handle)); // behind 3, though 3 is still held
  CHECK(out.holding());
  CHECK(small->depth() == 2);
  // Nothing overtakes a held item, so the queue with room waits too, and sees no gap later.
  CHECK_FALSE(out.flush(self_handle));
  // One taken leaves the small queue half empty: the outlet is told to flush.
  CHECK(take_one(*small) == 1);
  CHECK(resumes_of(self) == 1);
  CHECK_FALSE(out.flush(self_handle)); // 3 fits, 4 does not yet
  CHECK(out.holding());
  CHECK(take_one(*small) == 2);
  CHECK(resumes_of(self) == 1);
  CHECK(out.flush(self_handle));
  CHECK_FALSE(out.holding());
  CHECK(drain(*small) == std::vector<int>{3, 4});
  CHECK(drain(*large) == std::vector<int>{1, 2, 3, 4});
}

TEST_CASE("outlet end reaches every queue it feeds") {
  auto first = queue_of(10);
  auto second = queue_of(10, {"src", "other"});
  outlet out{"src", {first, second}};
  out.end();
  CHECK(first->ended());
  CHECK_FALSE(second->ended()); // "other" still feeds it
  second->end("other");
  CHECK(second->ended());
}
