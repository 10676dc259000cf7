// The routes the daemon's API router serves, read from the source: every
// `router.Add("METHOD", "/path", ...)` in src/api/*.cc, and for a table-driven registration
// (`router.Add("POST", path, ...)` in a loop) the `{"/path", "capability"}` rows of that file's
// table. Only functions named Add<Group>Routes(Router& router, ...) register API routes, and every
// one of them must be called by src/apps/cryfttee/daemon.cc, so this set is what the daemon serves.
// (The kiosk's own router, router_ in kiosk.cc, is another listener and is not the API.)
import fs from 'node:fs';
import path from 'node:path';

export function servedRoutes(sourceDir) {
  const apiDir = path.join(sourceDir, 'src', 'api');
  const daemon = fs.readFileSync(path.join(sourceDir, 'src', 'apps', 'cryfttee', 'daemon.cc'), 'utf8');
  const routes = new Set();
  const groups = [];
  for (const file of fs.readdirSync(apiDir).filter((f) => f.endsWith('.cc')).sort()) {
    const text = fs.readFileSync(path.join(apiDir, file), 'utf8');
    for (const m of text.matchAll(/void (Add\w+Routes)\(Router& router\b/g)) groups.push({ file, name: m[1] });
    for (const m of text.matchAll(/\brouter\.Add\(\s*"([A-Z]+)",\s*"([^"]+)"/g)) routes.add(`${m[1]} ${m[2]}`);
    for (const m of text.matchAll(/\brouter\.Add\(\s*"([A-Z]+)",\s*([A-Za-z_]\w*)\s*,/g)) {
      // A path from a variable: the file's {"/...", "..."} table rows.
      const rows = [...text.matchAll(/\{\s*"(\/[^"]*)",\s*"[^"]*"\s*\}/g)];
      if (rows.length === 0) throw new Error(`${file}: router.Add("${m[1]}", ${m[2]}, ...) without a {"/path", ...} table`);
      for (const r of rows) routes.add(`${m[1]} ${r[1]}`);
    }
  }
  if (groups.length === 0) throw new Error(`no Add*Routes(Router& router, ...) in ${apiDir}`);
  for (const g of groups) {
    if (!new RegExp(`\\bapi::${g.name}\\(`).test(daemon)) {
      throw new Error(`${g.file}: ${g.name} is not called by daemon.cc; this parser assumes every group is served`);
    }
  }
  return routes;
}
