#include "core/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "core/clock.h"

namespace cryfttee {
namespace {

// Renders one JSON object per record: {"ts":..., "level":..., "msg":...}. A custom flag keeps
// the message escaped, which spdlog's pattern language cannot do on its own.
class JsonMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string escaped = JsonEscape(std::string(msg.payload.data(), msg.payload.size()));
    dest.append(escaped.data(), escaped.data() + escaped.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

}  // namespace

Result<LogFormat> ParseLogFormat(const std::string& text) {
  if (text == "human" || text == "text") return LogFormat::kHuman;
  if (text == "json") return LogFormat::kJson;
  return Status::InvalidArgument("invalid_log_format",
                                 "log format must be \"human\" or \"json\", got \"" + text + "\"");
}

Status ValidateLogLevel(const std::string& text) {
  for (const char* ok : {"trace", "debug", "info", "warn", "error", "off"}) {
    if (text == ok) return Status::Ok();
  }
  return Status::InvalidArgument(
      "invalid_log_level",
      "log level must be one of trace, debug, info, warn, error, off; got \"" + text + "\"");
}

void SetupLogging(LogFormat format, const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("cryfttee_" + std::to_string(NowUnixMillis()));
  if (format == LogFormat::kJson) {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonMessageFlag>('*').set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%*"})");
    logger->set_formatter(std::move(formatter));
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

std::string JsonEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (unsigned char c : text) {
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
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

}  // namespace cryfttee
