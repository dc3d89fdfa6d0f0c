#include "kite/runtime/stream_queue.hpp"

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

using kite::overflow_policy;
using kite::queue_config;
using kite::stream_queue;
using kite::test::drain;
using kite::test::item;
using push_result = kite::stream_queue::push_result;

namespace {

queue_config bounded(uint32_t capacity, overflow_policy when_full) {
  queue_config out;
  out.capacity = capacity;
  out.when_full = when_full;
  return out;
}

/// An actor system whose scoped actors stand in for a queue's consumer and producers: what the
/// queue sends them is in their mailbox when the call that sent it returns.
struct actors {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;

  actors() {
    cfg.set("scheduler.max-threads", size_t{1});
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

/// The atoms in `self`'s mailbox, in arrival order; leaves it empty.
std::vector<std::string> mailbox_of(caf::scoped_actor& self) {
  std::vector<std::string> out;
  for (bool more = true; more;)
    self->receive([&](kite::wake_atom) { out.push_back("wake"); },
                  [&](kite::resume_atom) { out.push_back("resume"); },
                  caf::after(std::chrono::seconds(0)) >> [&] { more = false; });
  return out;
}

caf::actor handle(caf::scoped_actor& self) {
  return caf::actor_cast<caf::actor>(self);
}

using names = std::vector<std::string>;

} // namespace

TEST_CASE("stream queue under block refuses a push when full, queues nothing and counts the wait") {
  stream_queue queue{"q", bounded(2, overflow_policy::block), {"p"}};
  CHECK(queue.push(item(1), {}) == push_result::queued);
  CHECK(queue.push(item(2), {}) == push_result::queued);
  CHECK(queue.push(item(3), {}) == push_result::full);
  CHECK(queue.depth() == 2);
  CHECK(queue.stats().waits.load() == 1);
  CHECK(queue.stats().queued.load() == 2);
  CHECK(queue.stats().dropped.load() == 0);
  CHECK(drain(queue) == std::vector<int>{1, 2});
}

TEST_CASE("stream queue under drop_oldest keeps the newest items in order and counts each drop") {
  stream_queue queue{"q", bounded(3, overflow_policy::drop_oldest), {"p"}};
  for (int i = 1; i <= 3; ++i)
    CHECK(queue.push(item(i), {}) == push_result::queued);
  CHECK(queue.push(item(4), {}) == push_result::dropped_oldest);
  CHECK(queue.push(item(5), {}) == push_result::dropped_oldest);
  CHECK(queue.depth() == 3);
  CHECK(queue.stats().dropped.load() == 2);
  CHECK(queue.stats().queued.load() == 5);
  CHECK(queue.stats().waits.load() == 0);
  CHECK(drain(queue) == std::vector<int>{3, 4, 5});
}

TEST_CASE("stream queue under drop_newest refuses the new item and counts it") {
  stream_queue queue{"q", bounded(2, overflow_policy::drop_newest), {"p"}};
  CHECK(queue.push(item(1), {}) == push_result::queued);
  CHECK(queue.push(item(2), {}) == push_result::queued);
  CHECK(queue.push(item(3), {}) == push_result::dropped_newest);
  CHECK(queue.push(item(4), {}) == push_result::dropped_newest);
  CHECK(queue.depth() == 2);
  CHECK(queue.stats().dropped.load() == 2);
  CHECK(queue.stats().queued.load() == 2);
  CHECK(drain(queue) == std::vector<int>{1, 2});
  // Room again: the next item is queued.
  CHECK(queue.push(item(5), {}) == push_result::queued);
  CHECK(drain(queue) == std::vector<int>{5});
}

TEST_CASE("stream queue depth counts the items waiting as they are pushed and taken") {
  stream_queue queue{"q", bounded(10, overflow_policy::block), {"p"}};
  CHECK(queue.depth() == 0);
  queue.push(item(1), {});
  queue.push(item(2), {});
  CHECK(queue.depth() == 2);
  REQUIRE(queue.take());
  CHECK(queue.depth() == 1);
  REQUIRE(queue.take());
  CHECK(queue.depth() == 0);
  CHECK_FALSE(queue.take());
  CHECK(queue.depth() == 0);
}

TEST_CASE("stream queue has ended only when every named producer ended and every item was taken") {
  stream_queue queue{"q", bounded(10, overflow_policy::block), {"a", "b"}};
  queue.push(item(1), {});
  CHECK_FALSE(queue.ended());
  queue.end("a");
  CHECK_FALSE(queue.ended());
  queue.end("b");
  CHECK_FALSE(queue.ended()); // an item is still waiting
  REQUIRE(queue.take());
  CHECK(queue.ended());
}

TEST_CASE("stream queue counts a producer's end once, however often it calls it") {
  stream_queue queue{"q", bounded(10, overflow_policy::block), {"a", "b"}};
  queue.end("a");
  queue.end("a");
  CHECK_FALSE(queue.ended());
  queue.end("b");
  CHECK(queue.ended());
}

TEST_CASE("stream queue does not count an end from a producer it was not told of") {
  stream_queue queue{"q", bounded(10, overflow_policy::block), {"a", "b"}};
  queue.end("a");
  queue.end("stranger");
  CHECK_FALSE(queue.ended()); // "b" has not ended
}

TEST_CASE("stream queue wakes its consumer once, and again only after it took the queue empty") {
  actors a;
  caf::scoped_actor consumer{*a.sys};
  caf::scoped_actor producer{*a.sys};
  stream_queue queue{"q", bounded(10, overflow_policy::block), {"p"}};
  queue.attach(handle(consumer));
  // The consumer drains as it starts; until it has seen the queue empty, nobody is woken.
  queue.push(item(1), handle(producer));
  CHECK(mailbox_of(consumer).empty());
  CHECK(drain(queue) == std::vector<int>{1});
  queue.push(item(2), handle(producer));
  CHECK(mailbox_of(consumer) == names{"wake"});
  queue.push(item(3), handle(producer));
  queue.push(item(4), handle(producer));
  CHECK(mailbox_of(consumer).empty()); // one wake is on its way already
  REQUIRE(queue.take());
  queue.push(item(5), handle(producer));
  CHECK(mailbox_of(consumer).empty()); // not yet taken empty
  CHECK(drain(queue) == std::vector<int>{3, 4, 5});
  queue.push(item(6), handle(producer));
  CHECK(mailbox_of(consumer) == names{"wake"});
  CHECK(mailbox_of(producer).empty());
}

TEST_CASE("stream queue wakes its consumer when a producer ends, once per producer") {
  actors a;
  caf::scoped_actor consumer{*a.sys};
  stream_queue queue{"q", bounded(10, overflow_policy::block), {"a", "b"}};
  queue.attach(handle(consumer));
  CHECK(drain(queue).empty());
  queue.end("a");
  CHECK(mailbox_of(consumer) == names{"wake"});
  CHECK(drain(queue).empty());
  queue.end("a");
  CHECK(mailbox_of(consumer).empty());
  queue.end("b");
  CHECK(mailbox_of(consumer) == names{"wake"});
  CHECK(queue.ended());
}

TEST_CASE("stream queue resumes a blocked producer once it is half empty, and not before") {
  actors a;
  caf::scoped_actor consumer{*a.sys};
  caf::scoped_actor producer{*a.sys};
  stream_queue queue{"q", bounded(4, overflow_policy::block), {"p", "b"}};
  queue.attach(handle(consumer));
  for (int i = 1; i <= 4; ++i)
    REQUIRE(queue.push(item(i), handle(producer)) == push_result::queued);
  CHECK(queue.push(item(5), handle(producer)) == push_result::full);
  CHECK(queue.push(item(5), handle(producer)) == push_result::full); // waits once, all the same
  CHECK(queue.stats().waits.load() == 2);
  REQUIRE(queue.take());
  CHECK(queue.depth() == 3);
  CHECK(mailbox_of(producer).empty());
  REQUIRE(queue.take());
  CHECK(queue.depth() == 2);
  CHECK(mailbox_of(producer) == names{"resume"});
  REQUIRE(queue.take());
  CHECK(mailbox_of(producer).empty()); // resumed already; it waits again only when refused
  CHECK(mailbox_of(consumer).empty());
}
