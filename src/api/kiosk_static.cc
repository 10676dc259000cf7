#include "api/kiosk_static.h"

#include <filesystem>
#include <system_error>

#include "api/responses.h"
#include "core/file_util.h"

namespace cryfttee::api {
namespace fs = std::filesystem;
namespace {

struct TypeEntry {
  std::string_view extension;
  std::string_view content_type;
};

constexpr TypeEntry kTypes[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
};

bool SegmentAllowed(std::string_view seg) {
  if (seg.empty() || seg.front() == '.') return false;
  for (char c : seg) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string CanonicalOrEmpty(const std::string& dir) {
  std::error_code ec;
  fs::path canonical = fs::canonical(dir, ec);
  if (ec || !fs::is_directory(canonical, ec)) return "";
  return canonical.string();
}

}  // namespace

std::string_view KioskContentType(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return "";
  std::string_view ext = name.substr(dot);
  for (const TypeEntry& t : kTypes) {
    if (t.extension == ext) return t.content_type;
  }
  return "";
}

Result<std::string> ResolveKioskFile(const std::string& canonical_root,
                                     const std::string& url_path) {
  std::string rel = url_path;
  if (rel.empty() || rel.front() != '/') {
    return Status::InvalidArgument("invalid_path", "path must start with '/'");
  }
  if (rel == "/") rel = "/index.html";
  // Walk the segments ourselves: "a//b", "a/./b" and "a/../b" are all refused, never normalised,
  // so there is exactly one spelling of each file.
  fs::path joined(canonical_root);
  size_t start = 1;
  while (start <= rel.size()) {
    size_t end = rel.find('/', start);
    if (end == std::string::npos) end = rel.size();
    std::string_view seg(rel.data() + start, end - start);
    if (!SegmentAllowed(seg)) {
      return Status::InvalidArgument("invalid_path", "path segment not allowed");
    }
    joined /= std::string(seg);
    start = end + 1;
  }
  if (KioskContentType(rel).empty()) {
    return Status::NotFound("not_found", "no such file");
  }
  // Symlinks inside ui_dir are followed, but the target must stay inside ui_dir.
  std::error_code ec;
  fs::path resolved = fs::canonical(joined, ec);
  if (ec || !fs::is_regular_file(resolved, ec)) {
    return Status::NotFound("not_found", "no such file");
  }
  std::string resolved_str = resolved.string();
  if (resolved_str.size() <= canonical_root.size() ||
      resolved_str.compare(0, canonical_root.size(), canonical_root) != 0 ||
      resolved_str[canonical_root.size()] != '/') {
    return Status::NotFound("not_found", "no such file");
  }
  return resolved_str;
}

KioskStaticFiles::KioskStaticFiles(std::string ui_dir)
    : ui_dir_(std::move(ui_dir)), root_(CanonicalOrEmpty(ui_dir_)) {}

HttpResponse KioskStaticFiles::Serve(const HttpRequest& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse resp = ErrorResponse(405, "method_not_allowed",
                                      "method " + request.method + " is not allowed on " +
                                          request.path + " (allowed: GET, HEAD)");
    resp.headers.emplace_back("Allow", "GET, HEAD");
    return resp;
  }
  if (root_.empty()) {
    return ErrorResponse(404, "ui_not_found",
                         "the kiosk UI directory " + ui_dir_ +
                             " does not exist; set ui_dir (--ui-dir) to the ui/ folder");
  }
  auto file = ResolveKioskFile(root_, request.path);
  if (!file.ok()) return ErrorResponse(404, "not_found", "no such file: " + request.path);
  auto content = ReadFileCapped(*file, kMaxFileBytes);
  if (!content.ok()) return ErrorResponse(404, "not_found", "no such file: " + request.path);
  HttpResponse resp;
  resp.content_type = std::string(KioskContentType(*file));
  resp.body = std::move(*content);
  return resp;
}

}  // namespace cryfttee::api
