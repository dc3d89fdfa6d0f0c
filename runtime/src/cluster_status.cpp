#include "kite/runtime/cluster_status.hpp"

#include <cmath>
#include <ctime>

#include <fmt/format.h>

namespace kite {

namespace {

/// The length of the valid UTF-8 sequence at `text[at]`, or 0 when it is not one.
size_t utf8_length(const std::string& text, size_t at) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  auto c = byte(at);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || at + n > text.size()) return 0;
  for (size_t i = 1; i < n; ++i)
    if ((byte(at + i) >> 6) != 0x2) return 0;
  return n;
}

/// `text` as a JSON string, quoted and escaped. Ids and keys come from peers: bytes that are not
/// UTF-8 become U+FFFD, so strict parsers still read the whole answer.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (size_t at = 0; at < text.size();) {
    auto n = utf8_length(text, at);
    if (n == 0) {
      out += "\\ufffd";
      ++at;
      continue;
    }
    if (n > 1) {
      out.append(text, at, n);
      at += n;
      continue;
    }
    auto c = static_cast<unsigned char>(text[at++]);
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20 || c == 0x7f)
        out += fmt::format("\\u{:04x}", c);
      else
        out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

/// `text` safe to print on a terminal: control bytes, which a peer could use to rewrite the
/// operator's screen, become \xNN.
std::string printable(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f)
      out += fmt::format("\\x{:02x}", c);
    else
      out += static_cast<char>(c);
  }
  return out;
}

/// `x` as a JSON number; null when it has none (JSON has no inf or NaN).
std::string number(double x) {
  return std::isfinite(x) ? fmt::format("{}", x) : "null";
}

/// `items` as a JSON array, each made by `item`.
template <class T, class F> std::string array(const std::vector<T>& items, F item) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i)
    out += (i > 0 ? "," : "") + item(items[i]);
  return out + "]";
}

std::string json(const worker_status& w) {
  return fmt::format(R"({{"id":{},"capacity":{},"backlog":{},"cpu":{},"hosted":{},"types":{},)"
                     R"("heard_s":{}}})",
                     quoted(w.id), w.capacity, w.backlog, number(w.cpu), w.hosted,
                     array(w.types, quoted), number(w.heard_s));
}

std::string json(const worker_path& p) {
  return fmt::format(R"({{"worker":{},"rtt_s":{},"bandwidth":{}}})", quoted(p.worker),
                     number(p.rtt_s), number(p.bandwidth));
}

std::string json(const edge_status& e) {
  return fmt::format(R"({{"id":{},"paths":{},"backlog":{},"heard_s":{}}})", quoted(e.id),
                     array(e.paths, [](const worker_path& p) { return json(p); }), e.backlog,
                     number(e.heard_s));
}

std::string json(const actor_status& a) {
  return fmt::format(
      R"({{"type":{},"key":{},"edge":{},"host":{},"on_edge":{},"epoch":{},"rate":{}}})",
      quoted(a.type), quoted(a.key), quoted(a.edge), quoted(a.host), a.on_edge, a.epoch,
      number(a.rate));
}

std::string json(const cluster_event& e) {
  return fmt::format(R"({{"at_ms":{},"kind":{},"subject":{},"detail":{}}})", e.at_ms,
                     quoted(e.kind), quoted(e.subject), quoted(e.detail));
}

/// `at_ms` as a UTC time of day, "14:05:09".
std::string time_of_day(int64_t at_ms) {
  auto seconds = static_cast<time_t>(at_ms / 1000);
  tm parts{};
  gmtime_r(&seconds, &parts);
  return fmt::format("{:02}:{:02}:{:02}", parts.tm_hour, parts.tm_min, parts.tm_sec);
}

/// `seconds` as milliseconds with a unit, "2.31 ms".
std::string millis(double seconds) {
  return fmt::format("{:.2f} ms", seconds * 1e3);
}

} // namespace

std::string to_json(const cluster_status& status) {
  auto each = [](const auto& x) { return json(x); };
  return fmt::format(R"({{"service":{},"uptime_s":{},"at_ms":{},"workers":{},"edges":{},)"
                     R"("actors":{},"events":{}}})",
                     quoted(status.service), number(status.uptime_s), status.at_ms,
                     array(status.workers, each), array(status.edges, each),
                     array(status.actors, each), array(status.events, each));
}

std::string to_text(const cluster_status& status) {
  std::string out =
      fmt::format("placement service {}, up {:.0f} s, at {} UTC\n", printable(status.service),
                  status.uptime_s, time_of_day(status.at_ms));
  out += fmt::format("\nworkers ({})\n", status.workers.size());
  if (!status.workers.empty())
    out += fmt::format("  {:<24} {:>8} {:>8} {:>6} {:>7}  {}\n", "id", "backlog", "capacity", "cpu",
                       "actors", "heard");
  for (const auto& w : status.workers)
    out += fmt::format("  {:<24} {:>8} {:>8} {:>5.0f}% {:>7}  {:.1f} s ago\n", printable(w.id),
                       w.backlog, w.capacity, w.cpu * 100, w.hosted, w.heard_s);
  out += fmt::format("\nedges ({})\n", status.edges.size());
  for (const auto& e : status.edges) {
    std::string paths;
    for (const auto& p : e.paths)
      paths +=
          fmt::format("{}{} {}", paths.empty() ? "" : ", ", printable(p.worker), millis(p.rtt_s));
    out += fmt::format("  {:<24} backlog {:<6} rtt: {}\n", printable(e.id), e.backlog,
                       paths.empty() ? "no paths measured yet" : paths);
  }
  out += fmt::format("\nlogical actors ({})\n", status.actors.size());
  if (!status.actors.empty())
    out += fmt::format("  {:<40} {:<24} {:<24} {:>8}\n", "actor", "runs on", "for edge", "req/s");
  for (const auto& a : status.actors)
    out +=
        fmt::format("  {:<40} {:<24} {:<24} {:>8.1f}\n", printable(a.type + "/" + a.key),
                    printable(a.on_edge ? a.host + " (edge)" : a.host), printable(a.edge), a.rate);
  out += fmt::format("\nrecent events ({})\n", status.events.size());
  for (const auto& e : status.events)
    out += fmt::format("  {} {:<12} {:<32} {}\n", time_of_day(e.at_ms), printable(e.kind),
                       printable(e.subject), printable(e.detail));
  return out;
}

} // namespace kite
