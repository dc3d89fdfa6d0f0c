// Writes one valid input of every frame kind into a directory, to seed the fuzzer's corpus.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <caf/make_message.hpp>

#include "kite/actors/messages.hpp"
#include "kite/runtime/message_types.hpp"
#include "kite/runtime/wire.hpp"

namespace {

void write_input(const std::string& path, const kite::wire::header& hdr,
                 const std::vector<char>& payload) {
  std::vector<char> header;
  kite::wire::encode(hdr, header);
  std::ofstream out{path, std::ios::binary};
  out.put(static_cast<char>(header.size()));
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
}

kite::wire::header make_header(kite::wire::kind kind, uint16_t payload_type = 0xffff) {
  kite::wire::header hdr;
  hdr.type = kind;
  hdr.payload_type = payload_type;
  hdr.sequence = 42;
  hdr.correlation = 7;
  return hdr;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  kite::message_types types;
  types.add<kite::actors::sensor_sample>("kite.sensor_sample");
  types.add<kite::actors::feature>("kite.feature");
  types.add<kite::actors::summary>("kite.summary");
  types.add<kite::actors::blob>("kite.blob");

  kite::wire::hello hello;
  hello.node_id = "robot-1";
  hello.message_types = types.names();
  hello.actor_types = {"kite.summarize", "kite.echo"};
  write_input(dir + "/hello", make_header(kite::wire::kind::hello),
              kite::wire::encode_hello(hello));
  write_input(dir + "/hello_ack", make_header(kite::wire::kind::hello_ack),
              kite::wire::encode_hello(hello));
  write_input(dir + "/heartbeat", make_header(kite::wire::kind::heartbeat), {});
  write_input(dir + "/reject", make_header(kite::wire::kind::reject), {'n', 'o'});

  std::vector<caf::message> values{
      caf::make_message(kite::actors::sensor_sample{3, 1000, {1.5f, -2.0f, 0.25f}}),
      caf::make_message(kite::actors::feature{4, 2000, 0.5, -1, 1}),
      caf::make_message(kite::actors::summary{"robot-1", 5, 4, 0.1, -0.2, 0.3}),
      caf::make_message(kite::actors::blob{"payload bytes"})};
  for (const auto& value : values) {
    std::vector<char> payload;
    auto index = types.encode(value, payload);
    if (!index) return 1;
    auto request = make_header(kite::wire::kind::request, *index);
    request.actor_type = "kite.summarize";
    request.actor_key = "robot-1";
    write_input(dir + "/request_" + std::to_string(*index), request, payload);
    write_input(dir + "/response_" + std::to_string(*index),
                make_header(kite::wire::kind::response, *index), payload);
  }
  std::printf("wrote seed corpus to %s\n", dir.c_str());
  return 0;
}
