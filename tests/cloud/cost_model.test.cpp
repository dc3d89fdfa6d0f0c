#include "kite/cloud/cost_model.hpp"

#include <catch2/catch.hpp>

using kite::cloud::actor_demand;
using kite::cloud::expected_completion_s;
using kite::cloud::host_view;

TEST_CASE("cost model: network, transfer, queueing and service add up") {
  host_view worker;
  worker.rtt_s = 0.010;
  worker.bandwidth = 1e6;
  worker.backlog = 4;
  worker.capacity = 2;
  worker.service_s = 0.005;
  actor_demand demand{"t", "k", 1000, 1000};
  // 10 ms RTT + 2 KB at 1 MB/s + 4 waiting over 2 servers × 5 ms + 5 ms of its own.
  CHECK(expected_completion_s(worker, demand) == Approx(0.010 + 0.002 + 0.010 + 0.005));
  worker.bandwidth = 0; // not measured: the transfer is not counted
  CHECK(expected_completion_s(worker, demand) == Approx(0.025));
}

TEST_CASE("cost model: the edge itself pays no network, so offloading is the same comparison") {
  actor_demand demand{"t", "k", 64'000, 100};
  host_view edge;
  edge.edge = true;
  edge.rtt_s = 1.0; // ignored: no network between the edge and itself
  edge.service_s = 0.050;
  host_view worker;
  worker.rtt_s = 0.020;
  worker.bandwidth = 10e6;
  worker.service_s = 0.005;
  CHECK(expected_completion_s(edge, demand) == Approx(0.050));
  // 20 ms + 6.41 ms + 5 ms beats 50 ms on the edge: offload.
  CHECK(expected_completion_s(worker, demand) < expected_completion_s(edge, demand));
  worker.rtt_s = 0.080; // far away: running on the robot wins
  CHECK(expected_completion_s(worker, demand) > expected_completion_s(edge, demand));
}

TEST_CASE("cost model: the load placed on a host queues as M/M/c, its backlog as what is there") {
  host_view worker;
  worker.capacity = 1;
  worker.service_s = 0.010;
  actor_demand demand{"t", "k"};
  demand.rate = 50; // 50 requests/s × 10 ms: half of one server
  // M/M/1 at utilization 0.5: wait = 0.5 / (1 − 0.5) × 10 ms.
  CHECK(kite::cloud::utilization(worker, demand) == Approx(0.5));
  CHECK(expected_completion_s(worker, demand) == Approx(0.010 + 0.010));
  worker.arrivals = 40; // other actors keep it 40% busy: 0.9 in all, wait = 9 × 10 ms
  worker.load = 0.4;
  CHECK(expected_completion_s(worker, demand) == Approx(0.090 + 0.010));
  // Past saturation the cost keeps rising with the load, so overloaded hosts still order.
  worker.arrivals = 100;
  worker.load = 1.0;
  double over = expected_completion_s(worker, demand);
  worker.arrivals = 200;
  worker.load = 2.0;
  CHECK(expected_completion_s(worker, demand) > over);
  CHECK(over > 1.0);
  // A deep backlog counts even where the load known to the service is light.
  worker.arrivals = 0;
  worker.load = 0;
  worker.backlog = 30;
  CHECK(expected_completion_s(worker, demand) == Approx(0.300 + 0.010));
}

TEST_CASE("cost model: a quick request waits behind the slow work ahead of it, not its own kind") {
  host_view worker;
  worker.capacity = 1;
  worker.service_s = 0.0001; // the actor weighed takes 0.1 ms
  worker.arrivals = 160;     // but 160 requests/s of another type take 5 ms each: 80% busy
  worker.load = 0.8;
  actor_demand quick{"t", "k"};
  // M/M/1 at 0.8 behind 5 ms requests: 0.8 / 0.2 × 5 ms = 20 ms of waiting, not 0.4 ms.
  CHECK(expected_completion_s(worker, quick) == Approx(0.020 + 0.0001).epsilon(0.01));
  worker.backlog = 10; // ten of those 5 ms requests queued now: 50 ms
  CHECK(expected_completion_s(worker, quick) == Approx(0.050 + 0.0001).epsilon(0.01));
}
