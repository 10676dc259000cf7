// Logging setup. Everything logs through spdlog's default logger; this file only chooses the
// format (human or one JSON object per line) and the level. Never pass secrets to a log call:
// log handles, public keys and sizes, not key material or passwords.
#pragma once

#include <string>

#include "core/status.h"

namespace cryfttee {

enum class LogFormat { kHuman, kJson };

Result<LogFormat> ParseLogFormat(const std::string& text);  // "human" | "json"
// "trace" | "debug" | "info" | "warn" | "error" | "off". Code "invalid_log_level".
Status ValidateLogLevel(const std::string& text);

// Installs a stderr logger with the given format and level. Safe to call more than once.
void SetupLogging(LogFormat format, const std::string& level);

// Escapes text for inclusion in a JSON string (used by the JSON log formatter).
std::string JsonEscape(const std::string& text);

}  // namespace cryfttee
