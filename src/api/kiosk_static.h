// Static files of the kiosk UI (ui_dir): index.html at "/", a fixed set of content types, and no
// way out of the directory.
//
// A URL path is served only when every segment is made of [A-Za-z0-9._-], no segment starts with
// '.' (so no "..", no hidden files), and the resolved file (symlinks followed) still lies inside
// the canonical ui_dir. Anything else is 404: the kiosk does not explain its file layout.
#pragma once

#include <string>
#include <string_view>

#include "api/http_types.h"
#include "core/status.h"

namespace cryfttee::api {

// "text/html; charset=utf-8" for ".html", ...; "" for an extension the kiosk does not serve.
std::string_view KioskContentType(std::string_view path);

// Maps a decoded URL path to a file under `root` (already canonical). Codes: "invalid_path"
// (rejected by the rules above), "not_found" (no such regular file, or it resolves outside root).
Result<std::string> ResolveKioskFile(const std::string& canonical_root,
                                     const std::string& url_path);

class KioskStaticFiles {
 public:
  // Largest file served; the UI is a handful of small text files.
  static constexpr size_t kMaxFileBytes = 4 << 20;

  explicit KioskStaticFiles(std::string ui_dir);

  // GET/HEAD only (405 otherwise). Files are read on every request, so an operator can update ui/
  // without restarting the daemon.
  HttpResponse Serve(const HttpRequest& request) const;

  // False when ui_dir does not exist; every request then answers 404 with a message naming it.
  bool available() const { return !root_.empty(); }
  const std::string& ui_dir() const { return ui_dir_; }

 private:
  std::string ui_dir_;
  std::string root_;  // canonical ui_dir, "" when missing
};

}  // namespace cryfttee::api
