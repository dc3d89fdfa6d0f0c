// A peer that lies: malformed frames sent with a raw ZeroMQ socket are rejected and counted,
// the worker keeps serving a well-behaved edge at the same time.
#include <catch2/catch.hpp>

#include <csignal>
#include <string>
#include <vector>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "kite/actors/messages.hpp"
#include "kite/runtime/message_types.hpp"
#include "kite/runtime/wire.hpp"
#include "loopback_cluster.hpp"

using namespace std::chrono_literals;
using namespace kite::test;

namespace {

std::vector<char> header_bytes(kite::wire::kind kind, uint64_t sequence, uint16_t payload_type,
                               std::string type = {}, std::string key = {}, uint64_t epoch = 1) {
  kite::wire::header hdr;
  hdr.type = kind;
  hdr.sequence = sequence;
  hdr.epoch = epoch;
  hdr.payload_type = payload_type;
  hdr.actor_type = std::move(type);
  hdr.actor_key = std::move(key);
  std::vector<char> out;
  kite::wire::encode(hdr, out);
  return out;
}

/// A raw CURVE DEALER with the allowed edge key: authenticated, but it sends garbage.
struct raw_peer {
  zmq::context_t context;
  zmq::socket_t socket{context, zmq::socket_type::dealer};

  explicit raw_peer(const loopback_cluster& cluster) {
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::rcvtimeo, 5000);
    socket.set(zmq::sockopt::curve_serverkey, cluster.worker_keys().public_key);
    socket.set(zmq::sockopt::curve_publickey, cluster.allowed_edge_keys().public_key);
    socket.set(zmq::sockopt::curve_secretkey, cluster.allowed_edge_keys().secret_key);
    socket.connect(cluster.endpoint());
  }

  void send(const std::vector<std::string>& parts) {
    std::vector<zmq::const_buffer> buffers;
    for (const auto& part : parts)
      buffers.push_back(zmq::buffer(part));
    REQUIRE(zmq::send_multipart(socket, buffers));
  }

  /// Receives frames until one of `kind` for `sequence` arrives; returns its payload.
  std::optional<std::string> await(kite::wire::kind kind, uint64_t sequence) {
    for (int i = 0; i < 100; ++i) {
      std::vector<zmq::message_t> parts;
      if (!zmq::recv_multipart(socket, std::back_inserter(parts)) || parts.size() != 2)
        return std::nullopt;
      kite::wire::header hdr;
      kite::wire::frame_error reason{};
      if (kite::wire::decode(parts[0].data<char>(), parts[0].size(), hdr, reason) &&
          hdr.type == kind && hdr.sequence == sequence)
        return parts[1].to_string();
    }
    return std::nullopt;
  }
};

std::string str(const std::vector<char>& bytes) {
  return {bytes.begin(), bytes.end()};
}

} // namespace

TEST_CASE("malformed frames are rejected and counted while good traffic continues") {
  loopback_cluster cluster;
  auto& worker = cluster.start_worker();
  auto edge = cluster.start_edge({"robot-1", 50, 60});
  REQUIRE(wait_for_text(edge->log_path(), "kite.summary(\"robot-1\", 5,", 10s));

  raw_peer liar{cluster};
  // Before any hello: a request is refused with a reject that asks for one.
  liar.send({str(header_bytes(kite::wire::kind::request, 7, 0, "kite.summarize", "x")), "?"});
  auto reject = liar.await(kite::wire::kind::reject, 7);
  REQUIRE(reject.has_value());
  CHECK(*reject == "hello required");

  // Garbage of every shape.
  liar.send({"not a frame"});
  liar.send({"KT", "too", "many", "parts"});
  liar.send({std::string(kite::wire::fixed_header_size, '\x55'), ""});
  auto bad_version = str(header_bytes(kite::wire::kind::heartbeat, 0, 0xffff));
  bad_version[2] = 99;
  liar.send({bad_version, ""});
  auto bad_kind = str(header_bytes(kite::wire::kind::heartbeat, 0, 0xffff));
  bad_kind[3] = 42;
  liar.send({bad_kind, ""});
  liar.send({str(header_bytes(kite::wire::kind::hello, 1, 0xffff)), "\xff\xff\xff\xff garbage"});

  // A proper hello that announces one type the worker knows and one it does not.
  kite::wire::hello hello;
  hello.node_id = "liar";
  hello.message_types = {"kite.feature", "liar.secret_type"};
  liar.send({str(header_bytes(kite::wire::kind::hello, 2, 0xffff)),
             str(kite::wire::encode_hello(hello))});
  REQUIRE(liar.await(kite::wire::kind::hello_ack, 2).has_value());

  // A request of a type the worker does not know is answered with an error that names it.
  liar.send({str(header_bytes(kite::wire::kind::request, 8, 1, "kite.summarize", "liar")), "x"});
  auto unknown = liar.await(kite::wire::kind::response, 8);
  REQUIRE(unknown.has_value());
  CHECK(unknown->find("liar.secret_type") != std::string::npos);

  // A known type with a payload that lies about its length.
  liar.send({str(header_bytes(kite::wire::kind::request, 9, 0, "kite.summarize", "liar")),
             std::string("\x00\x00\x00\x00\x00\x00\x00\x01\xff\xff\xff\xff\x0f", 13)});
  auto malformed = liar.await(kite::wire::kind::response, 9);
  REQUIRE(malformed.has_value());
  CHECK(malformed->find("malformed payload of type 'kite.feature'") != std::string::npos);

  // Over the frame limit (16 MiB by default).
  liar.send({str(header_bytes(kite::wire::kind::request, 10, 0, "kite.summarize", "liar")),
             std::string(16u * 1024 * 1024 + 1, 'x')});
  auto oversized = liar.await(kite::wire::kind::response, 10);
  REQUIRE(oversized.has_value());
  CHECK(oversized->find("exceeds the limit") != std::string::npos);

  // A valid request from the liar still works: rejection is per frame, not per connection.
  // Hello again first, under a new epoch: this raw socket never answers heartbeats, so the
  // worker may have taken it for gone meanwhile and fenced its old epoch.
  liar.send({str(header_bytes(kite::wire::kind::hello, 3, 0xffff)),
             str(kite::wire::encode_hello(hello))});
  REQUIRE(liar.await(kite::wire::kind::hello_ack, 3).has_value());
  kite::message_types types;
  types.add<kite::actors::feature>("kite.feature");
  std::vector<char> payload;
  kite::actors::feature f;
  f.sequence = 1;
  REQUIRE(types.encode(caf::make_message(f), payload) == uint16_t{0});
  liar.send({str(header_bytes(kite::wire::kind::request, 11, 0, "kite.summarize", "liar", 2)),
             str(payload)});
  REQUIRE(liar.await(kite::wire::kind::response, 11).has_value());

  // Meanwhile the honest edge finished its run with every sample answered.
  REQUIRE(edge->wait_for(30s) == 0);
  auto edge_log = read_file(edge->log_path());
  CHECK(counter_in(edge_log, "answered") == 60);
  CHECK(counter_in(edge_log, "failed") == 0);

  worker.signal(SIGTERM);
  REQUIRE(worker.wait_for(10s) == 0);
  auto worker_log = read_file(cluster.worker_log());
  INFO(worker_log);
  CHECK(counter_in(worker_log, "bad_parts") == 2);
  CHECK(counter_in(worker_log, "bad_magic") == 1);
  CHECK(counter_in(worker_log, "bad_version") == 1);
  CHECK(counter_in(worker_log, "bad_kind") == 1);
  CHECK(counter_in(worker_log, "no_hello") == 1);
  CHECK(counter_in(worker_log, "unknown_type") == 1);
  CHECK(counter_in(worker_log, "bad_payload") == 2); // the garbage hello and the lying length
  CHECK(counter_in(worker_log, "oversized") == 1);
}
