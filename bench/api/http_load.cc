#include "http_load.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

namespace cryfttee::bench {
namespace {

using Clock = std::chrono::steady_clock;

int Connect(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    ::close(fd);
    return -1;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// One connection's reader: keeps bytes that arrived beyond the current answer.
class Reader {
 public:
  explicit Reader(int fd) : fd_(fd) {}

  // Reads one answer; returns the status (0 on failure) and fills *body.
  int ReadAnswer(std::string* body) {
    size_t header_end;
    while ((header_end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return 0;
    }
    int status = 0;
    if (buf_.size() > 12 && buf_.compare(0, 5, "HTTP/") == 0) status = std::atoi(buf_.c_str() + 9);
    size_t length = 0;
    std::string head = buf_.substr(0, header_end);
    std::transform(head.begin(), head.end(), head.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    size_t cl = head.find("\r\ncontent-length:");
    if (cl != std::string::npos) length = std::strtoul(head.c_str() + cl + 17, nullptr, 10);
    size_t total = header_end + 4 + length;
    while (buf_.size() < total) {
      if (!Fill()) return 0;
    }
    if (body) *body = buf_.substr(header_end + 4, length);
    buf_.erase(0, total);
    return status;
  }

 private:
  bool Fill() {
    char tmp[16384];
    for (;;) {
      ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buf_.append(tmp, static_cast<size_t>(n));
      return true;
    }
  }

  int fd_;
  std::string buf_;
};

std::string BuildRequest(const std::string& method, const std::string& target,
                         const std::string& body) {
  std::string req = method + " " + target +
                    " HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n"
                    "Content-Type: application/json\r\n";
  if (method != "GET") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n";
  if (method != "GET") req += body;
  return req;
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int OneRequest(const std::string& socket_path, const std::string& method, const std::string& target,
               const std::string& body, std::string* answer) {
  int fd = Connect(socket_path);
  if (fd < 0) return 0;
  int status = 0;
  if (WriteAll(fd, BuildRequest(method, target, body))) status = Reader(fd).ReadAnswer(answer);
  ::close(fd);
  return status;
}

LoadResult RunLoad(const LoadSpec& spec) {
  const std::string request = BuildRequest(spec.method, spec.target, spec.body);
  const auto start = Clock::now();
  const auto measure_from = start + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(spec.warmup_seconds));
  const auto stop = measure_from + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(spec.seconds));
  std::mutex mu;
  LoadResult result;
  std::vector<double> all;
  std::vector<std::thread> threads;
  for (int c = 0; c < spec.connections; ++c) {
    threads.emplace_back([&] {
      std::vector<double> lat;
      uint64_t errors = 0;
      std::string first_error;
      int fd = -1;
      std::optional<Reader> reader;
      while (Clock::now() < stop) {
        if (fd < 0) {
          fd = Connect(spec.socket_path);
          if (fd < 0) {
            ++errors;
            if (first_error.empty()) first_error = std::string("connect: ") + std::strerror(errno);
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
          }
          reader.emplace(fd);
        }
        auto t0 = Clock::now();
        std::string body;
        int status = WriteAll(fd, request) ? reader->ReadAnswer(&body) : 0;
        auto t1 = Clock::now();
        if (status == 0) {
          ::close(fd);
          fd = -1;
        }
        if (t0 < measure_from) continue;
        if (status == 200) {
          lat.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        } else {
          ++errors;
          if (first_error.empty()) {
            first_error = "HTTP " + std::to_string(status) + ": " + body.substr(0, 300);
          }
        }
      }
      if (fd >= 0) ::close(fd);
      std::lock_guard<std::mutex> lock(mu);
      all.insert(all.end(), lat.begin(), lat.end());
      result.errors += errors;
      if (result.first_error.empty()) result.first_error = first_error;
    });
  }
  for (auto& t : threads) t.join();
  result.requests = all.size();
  result.seconds = spec.seconds;
  double sum = 0;
  for (double v : all) sum += v;
  result.mean_us = all.empty() ? 0 : sum / static_cast<double>(all.size());
  result.p50_us = Percentile(all, 0.50);
  result.p99_us = Percentile(all, 0.99);
  return result;
}

}  // namespace cryfttee::bench
