#include "kite/runtime/placement_client.hpp"

#include <vector>

#include <spdlog/spdlog.h>

#include "kite/runtime/error.hpp"
#include "kite/runtime/node.hpp"

namespace kite {

caf::expected<std::shared_ptr<placement_client>>
placement_client::connect(caf::actor_system& sys, const node_config& node, const keypair& keys,
                          const placement_link_config& service, bool watch) {
  auto settings = make_link_settings(node, keys, {});
  settings.endpoint = service.endpoint;
  settings.server_key = service.server_key;
  auto uplink = link::connect(sys, std::move(settings), placement_protocol().messages());
  if (!uplink) return uplink.error();
  return std::shared_ptr<placement_client>{
      new placement_client(std::move(*uplink), node.node_id, service.report_interval, watch)};
}

placement_client::placement_client(std::shared_ptr<link> service, std::string node_id,
                                   std::chrono::milliseconds report_interval, bool watch)
    : service_(std::move(service)), node_id_(std::move(node_id)), report_interval_(report_interval),
      watch_(watch) {}

placement_client::~placement_client() {
  stop();
}

void placement_client::start(placement_client_handlers handlers) {
  handlers_ = std::move(handlers);
  // The link and the timer stop before the client goes, so they may hold it raw.
  service_->start(client_handlers{
      [this](uint64_t sequence, uint64_t, caf::expected<caf::message> answer) {
        on_response(sequence, std::move(answer));
      },
      [this](const std::vector<std::string>&) { on_up(); },
      [] {},
      {},
  });
  timer_ = std::thread{[this] { run_timer(); }};
}

void placement_client::stop() {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopped_) return;
    stopped_ = true;
  }
  wake_.notify_all();
  if (timer_.joinable()) timer_.join();
  service_->stop();
}

bool placement_client::up() const {
  return service_->up();
}

uint64_t placement_client::decisions() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return decisions_;
}

uint64_t placement_client::questions() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return questions_;
}

std::optional<cached_placement> placement_client::lookup(const std::string& type,
                                                         const std::string& key) {
  std::optional<cached_placement> out;
  bool ask = false;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    auto id = std::make_pair(type, key);
    if (auto i = cache_.find(id); i != cache_.end()) out = i->second;
    ask = (!out || out->expires <= clock_type::now()) && asking_.count(id) == 0;
  }
  if (ask)
    send({outstanding::what::query, type, key},
         caf::make_message(placement_query{node_id_, type, key}));
  return out;
}

void placement_client::send(outstanding what, const caf::message& msg) {
  uint64_t sequence = 0;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopped_) return;
    sequence = next_sequence_++;
    if (what.kind == outstanding::what::query) {
      asking_[{what.type, what.key}] = sequence;
      ++questions_;
    }
    if (what.kind == outstanding::what::watch) watching_ = true;
    if (what.kind != outstanding::what::report) outstanding_.emplace(sequence, std::move(what));
  }
  // While the link is down the frame is dropped; on_up asks again.
  if (auto err = service_->send_request(sequence, 0, placement_actor_type, "", msg))
    spdlog::warn("placement: cannot send to the service: {}", describe(err));
}

void placement_client::send_report() {
  if (!handlers_.report) return;
  send({outstanding::what::report, {}, {}}, handlers_.report());
  // Frames are sent in the order queued; one queued while the link is down is dropped.
  if (handlers_.on_reported && service_->up()) handlers_.on_reported();
}

void placement_client::open_watch() {
  send({outstanding::what::watch, {}, {}}, caf::make_message(placement_watch{node_id_}));
}

void placement_client::on_up() {
  std::vector<outstanding> again;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    for (auto& [sequence, what] : outstanding_)
      again.push_back(std::move(what));
    outstanding_.clear();
    asking_.clear();
    watching_ = false;
  }
  // The service learns where this node stands before it answers anything.
  send_report();
  for (auto& what : again)
    if (what.kind == outstanding::what::query)
      send(what, caf::make_message(placement_query{node_id_, what.type, what.key}));
  if (watch_) open_watch();
}

void placement_client::on_response(uint64_t sequence, caf::expected<caf::message> answer) {
  outstanding what;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    auto i = outstanding_.find(sequence);
    if (i == outstanding_.end()) {
      if (!answer)
        spdlog::debug("placement: the service refused a report: {}", describe(answer.error()));
      return; // a report's ack, or an answer superseded since
    }
    what = std::move(i->second);
    outstanding_.erase(i);
    if (what.kind == outstanding::what::query) asking_.erase({what.type, what.key});
    if (what.kind == outstanding::what::watch) watching_ = false;
  }
  if (!answer) {
    spdlog::warn("placement: the service could not answer: {}", describe(answer.error()));
    return; // a query is asked again on the next lookup; a watch is opened on the next tick
  }
  if (answer->match_elements<placement_decision>()) {
    accept(answer->get_as<placement_decision>(0));
  } else if (answer->match_elements<placement_changes>()) {
    for (const auto& decision : answer->get_as<placement_changes>(0).decisions)
      accept(decision);
    if (watch_) open_watch();
  }
}

void placement_client::accept(const placement_decision& decision) {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    cache_[{decision.type, decision.key}] = {
        decision, clock_type::now() + std::chrono::milliseconds(decision.lease_ms)};
    ++decisions_;
  }
  if (handlers_.on_decision) handlers_.on_decision(decision);
}

void placement_client::run_timer() {
  std::unique_lock<std::mutex> lock{mutex_};
  while (!stopped_) {
    wake_.wait_for(lock, report_interval_);
    if (stopped_) return;
    bool watch_due = watch_ && !watching_ && service_->up();
    lock.unlock();
    send_report();
    if (watch_due) open_watch();
    lock.lock();
  }
}

} // namespace kite
