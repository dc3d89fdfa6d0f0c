#include "kite/runtime/service_manager.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace kite {

bool notify_service_manager(const std::string& state) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || path[0] == '\0') return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  auto length = std::strlen(path);
  if (length >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, path, length);
  // A leading '@' names a socket in the abstract namespace, whose name starts with a NUL.
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
  auto sent = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                     reinterpret_cast<const sockaddr*>(&addr), size);
  close(fd);
  return sent == static_cast<ssize_t>(state.size());
}

std::optional<std::chrono::microseconds> watchdog_interval() {
  const char* usec = std::getenv("WATCHDOG_USEC");
  if (usec == nullptr) return std::nullopt;
  if (const char* pid = std::getenv("WATCHDOG_PID");
      pid != nullptr && std::strtoll(pid, nullptr, 10) != getpid())
    return std::nullopt;
  char* end = nullptr;
  errno = 0;
  auto value = std::strtoull(usec, &end, 10);
  if (errno != 0 || end == usec || *end != '\0' || value == 0) return std::nullopt;
  return std::chrono::microseconds{value};
}

} // namespace kite
