#include "coldstart.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "http_load.h"

extern char** environ;

namespace cryfttee::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string dir;
  int runs = 15;
  int keys = 100;
  std::vector<std::string> daemon;  // with {sock} and {data} placeholders
};

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: api_bench coldstart --dir <tmp> [--runs N] [--keys K] -- <daemon argv "
               "with {sock} and {data}>\n");
  std::exit(64);
}

Options Parse(int argc, char** argv) {
  Options o;
  int i = 2;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (i + 1 >= argc) Usage();
    std::string v = argv[++i];
    if (a == "--dir") {
      o.dir = v;
    } else if (a == "--runs") {
      o.runs = std::max(1, std::atoi(v.c_str()));
    } else if (a == "--keys") {
      o.keys = std::max(0, std::atoi(v.c_str()));
    } else {
      Usage();
    }
  }
  for (; i < argc; ++i) o.daemon.push_back(argv[i]);
  if (o.dir.empty() || o.daemon.empty()) Usage();
  return o;
}

std::string Substitute(std::string s, const std::string& sock, const std::string& data) {
  for (auto [key, value] :
       {std::pair<std::string, std::string>{"{sock}", sock}, {"{data}", data}}) {
    for (size_t p; (p = s.find(key)) != std::string::npos;) s.replace(p, key.size(), value);
  }
  return s;
}

pid_t Spawn(const std::vector<std::string>& argv_text) {
  std::vector<char*> argv;
  for (const std::string& a : argv_text) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // The daemon's log goes to /dev/null: a terminal or pipe would time its writes, not its start.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    std::fprintf(stderr, "api_bench coldstart: cannot start %s: %s\n", argv[0], std::strerror(rc));
    std::exit(1);
  }
  return pid;
}

void Stop(pid_t pid) {
  ::kill(pid, SIGTERM);
  int status;
  ::waitpid(pid, &status, 0);
}

// Microseconds from spawn until GET `target` on `sock` answers 200; -1 when the process exits
// or 10 s pass first. The poll interval (100 us) bounds the measurement's resolution.
double TimeToAnswer(const std::vector<std::string>& argv, const std::string& sock,
                    const std::string& target, pid_t* pid_out) {
  ::unlink(sock.c_str());
  auto t0 = Clock::now();
  pid_t pid = Spawn(argv);
  *pid_out = pid;
  std::string body;
  while (Clock::now() - t0 < std::chrono::seconds(10)) {
    int status = OneRequest(sock, "GET", target, "", &body);
    if (status == 200) {
      return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    }
    int ws;
    if (::waitpid(pid, &ws, WNOHANG) == pid) {
      *pid_out = -1;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return -1;
}

double TimeToExit(const char* path) {
  auto t0 = Clock::now();
  pid_t pid = Spawn({path});
  int ws;
  ::waitpid(pid, &ws, 0);
  return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

// Starts the daemon on `data` once and registers `keys` BLS keys through the API.
void Populate(const Options& o, const std::string& data, int keys) {
  std::string sock = o.dir + "/populate.sock";
  std::vector<std::string> argv;
  for (const std::string& a : o.daemon) argv.push_back(Substitute(a, sock, data));
  pid_t pid;
  if (TimeToAnswer(argv, sock, "/readyz", &pid) < 0) {
    std::fprintf(stderr, "api_bench coldstart: the daemon did not become ready\n");
    std::exit(1);
  }
  for (int i = 0; i < keys; ++i) {
    std::string answer;
    int status = OneRequest(sock, "POST", "/v1/staking/bls/register", "{}", &answer);
    if (status != 200) {
      std::fprintf(stderr, "api_bench coldstart: register answered %d: %s\n", status,
                   answer.c_str());
      std::exit(1);
    }
  }
  Stop(pid);
}

struct Series {
  std::string name;
  std::vector<double> us;
  double Median() const {
    std::vector<double> v = us;
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : (v[(v.size() - 1) / 2] + v[v.size() / 2]) / 2;
  }
  double Min() const { return us.empty() ? 0 : *std::min_element(us.begin(), us.end()); }
};

}  // namespace

int RunColdStart(int argc, char** argv) {
  Options o = Parse(argc, argv);
  const std::string empty_data = o.dir + "/data-empty";
  const std::string full_data = o.dir + "/data-" + std::to_string(o.keys);
  // The empty vault is created (sealed, no keys) by a first start, as a real first boot does;
  // the measured starts then open an existing, empty vault.
  Populate(o, empty_data, 0);
  Populate(o, full_data, o.keys);

  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return 1;
  self[n] = 0;
  const std::string floor_sock = o.dir + "/floor.sock";
  const std::string daemon_sock = o.dir + "/cold.sock";
  const std::vector<std::string> floor_argv = {self, "floor", floor_sock};
  std::vector<std::string> empty_argv, full_argv;
  for (const std::string& a : o.daemon) {
    empty_argv.push_back(Substitute(a, daemon_sock, empty_data));
    full_argv.push_back(Substitute(a, daemon_sock, full_data));
  }

  Series exec_true{"exec /bin/true to exit", {}};
  Series floor{"floor responder to answering", {}};
  Series empty{"daemon, empty vault, to /readyz 200", {}};
  Series full{"daemon, " + std::to_string(o.keys) + " keys, to /readyz 200", {}};
  bool failed = false;
  // Interleaved rounds: a burst of load from the machine's other tenants hits every series.
  for (int r = 0; r < o.runs; ++r) {
    exec_true.us.push_back(TimeToExit("/bin/true"));
    struct Start {
      Series* series;
      const std::vector<std::string>* argv;
      const std::string* sock;
      const char* target;
    };
    for (auto [series, args, sock, target] : {Start{&floor, &floor_argv, &floor_sock, "/"},
                                              Start{&empty, &empty_argv, &daemon_sock, "/readyz"},
                                              Start{&full, &full_argv, &daemon_sock, "/readyz"}}) {
      pid_t pid;
      double us = TimeToAnswer(*args, *sock, target, &pid);
      if (pid > 0) Stop(pid);
      if (us < 0) {
        std::fprintf(stderr, "api_bench coldstart: %s: no answer\n", series->name.c_str());
        failed = true;
        continue;
      }
      series->us.push_back(us);
    }
  }

  std::printf("%-40s %10s %10s\n", "cold start", "median_ms", "min_ms");
  for (const Series* s : {&exec_true, &floor, &empty, &full}) {
    std::printf("%-40s %10.2f %10.2f\n", s->name.c_str(), s->Median() / 1000, s->Min() / 1000);
  }
  double base = floor.Median();
  if (base > 0) {
    std::printf(
        "\nratio to the floor responder's start (medians): empty %.1fx, %d keys %.1fx"
        "   goal: <= 30 ms absolute\n",
        empty.Median() / base, o.keys, full.Median() / base);
  }
  return failed ? 1 : 0;
}

}  // namespace cryfttee::bench
