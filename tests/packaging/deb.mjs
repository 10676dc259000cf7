// The Debian package, as an installed system gets it: CPack packages the dev tree's binaries
// (stripped at packaging time, as `make deb` does for its Release tree), the package is checked
// with dpkg-deb (control fields, conffiles, maintainer scripts, file list), unpacked into a
// scratch root with `dpkg -x`, its system users are created there by systemd-sysusers and its
// units verified there by `systemd-analyze verify --root` (which checks that every ExecStart
// binary exists in that root), and finally the daemon runs from the installed paths with no path
// setting: it must find the packaged modules, trust file and config, register a BLS key and sign
// (checked with blst), and exit 0 on SIGTERM.
//
// Run: ctest -R packaging_deb, or by hand:
//   CRYFTTEE_BUILD_DIR=build node --test tests/packaging/deb.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

if (!process.env.CRYFTTEE_BUILD_DIR) throw new Error('CRYFTTEE_BUILD_DIR must be set (ctest sets it)');
const BUILD = path.resolve(process.env.CRYFTTEE_BUILD_DIR);
const blst = await import('@chainsafe/blst').catch((e) => {
  throw new Error(`@chainsafe/blst is not installed: run \`npm ci\` (${e.message})`);
});

const UNITS = ['cryfttee.socket', 'cryfttee.service', 'cryfttee-enclave.service'];
const BINARIES = ['cryfttee', 'cryfttee-enclave', 'cryftteectl'];
const MODULES = JSON.parse(fs.readFileSync(path.join(BUILD, 'modules', 'manifest.json'), 'utf8')).modules.map((m) => m.id);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cryfttee-deb-'));
const root = path.join(tmp, 'root');
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', ...opts });
let deb;

before(() => {
  const started = Date.now();
  run('cpack', ['--config', path.join(BUILD, 'CPackConfig.cmake'), '-B', path.join(tmp, 'out')], { cwd: BUILD });
  const debs = fs.readdirSync(path.join(tmp, 'out')).filter((f) => f.endsWith('.deb'));
  assert.equal(debs.length, 1, `cpack made ${debs.join(', ') || 'no package'}`);
  deb = path.join(tmp, 'out', debs[0]);
  console.log(`# packaged ${debs[0]}: ${fs.statSync(deb).size} bytes in ${Date.now() - started} ms`);
  run('dpkg', ['-x', deb, root]);
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('control: name, dependencies, conffiles and maintainer scripts', () => {
  assert.match(path.basename(deb), /^cryfttee_\d+\.\d+\.\d+_[a-z0-9]+\.deb$/);
  const field = (name) => run('dpkg-deb', ['-f', deb, name]).trim();
  assert.equal(field('Package'), 'cryfttee');
  // From dpkg-shlibdeps: the libraries the binaries really link.
  for (const dep of ['adduser', 'libc6', 'libssl3', 'libsecp256k1', 'libsystemd0']) {
    assert.match(field('Depends'), new RegExp(`(^|, )${dep}`), `Depends lacks ${dep}`);
  }
  const control = path.join(tmp, 'control');
  run('dpkg-deb', ['-e', deb, control]);
  assert.equal(fs.readFileSync(path.join(control, 'conffiles'), 'utf8'), '/etc/cryfttee/cryfttee.toml\n');
  for (const script of ['postinst', 'prerm', 'postrm']) {
    const file = path.join(control, script);
    assert.equal(fs.statSync(file).mode & 0o777, 0o755, `${script} mode`);
    run('sh', ['-n', file]);
  }
  const postinst = fs.readFileSync(path.join(control, 'postinst'), 'utf8');
  assert.match(postinst, /systemd-sysusers \/usr\/lib\/sysusers\.d\/cryfttee\.conf/);
  assert.match(postinst, /adduser --system/, 'no fallback without systemd-sysusers');
  // A validator's sealed keys outlive the package: no maintainer script deletes a data directory.
  for (const script of ['postinst', 'prerm', 'postrm']) {
    assert.doesNotMatch(fs.readFileSync(path.join(control, script), 'utf8'), /rm -[a-z]*r[a-z]* .*\/var\/lib/);
  }
});

test('files: the installed layout, stripped binaries, nothing from the build tree', () => {
  const list = run('dpkg-deb', ['-c', deb]).split('\n').map((l) => l.split(/\s+/).slice(5).join(' ')).filter(Boolean);
  const paths = new Set(list.map((l) => l.replace(/ -> .*/, '').replace(/^\.\//, '/').replace(/\/$/, '')));
  const want = [
    ...BINARIES.flatMap((b) => [`/usr/lib/cryfttee/bin/${b}`, `/usr/bin/${b}`]),
    '/usr/lib/cryfttee/modules/manifest.json', '/usr/lib/cryfttee/config/trust.toml',
    '/usr/lib/cryfttee/ui/index.html', '/etc/cryfttee/cryfttee.toml', '/usr/lib/sysusers.d/cryfttee.conf',
    ...MODULES.flatMap((id) => [`/usr/lib/cryfttee/modules/${id}/module.wasm`, `/usr/lib/cryfttee/modules/${id}/module.json`]),
    ...UNITS.map((u) => `/lib/systemd/system/${u}`),
  ];
  for (const p of want) assert.ok(paths.has(p), `${p} is not in the package`);
  for (const p of paths) {
    assert.doesNotMatch(p, /dev-publisher|publisher\.key|CMakeFiles|wasm_obj|\.o$|cmake_install/, `${p} leaked from the build tree`);
  }
  for (const b of BINARIES) {
    const sections = run('readelf', ['-S', '--wide', path.join(root, 'usr/lib/cryfttee/bin', b)]);
    assert.doesNotMatch(sections, /\.debug_info|\.symtab/, `${b} is not stripped`);
    assert.equal(fs.readlinkSync(path.join(root, 'usr/bin', b)), `../lib/cryfttee/bin/${b}`);
    // Stripped, linked against the libraries Depends names, and still a working program.
    assert.match(run(path.join(root, 'usr/bin', b), ['--version']), new RegExp(`^${b} \\d+\\.\\d+\\.\\d+`));
  }
});

test('units: their users exist once sysusers.d is applied, and they verify in the root', () => {
  const sysroot = path.join(tmp, 'sysroot');
  fs.mkdirSync(path.join(sysroot, 'etc'), { recursive: true });
  run('systemd-sysusers', [`--root=${sysroot}`, path.join(root, 'usr/lib/sysusers.d/cryfttee.conf')]);
  const users = new Set(fs.readFileSync(path.join(sysroot, 'etc/passwd'), 'utf8').split('\n').map((l) => l.split(':')[0]));
  const groups = new Set(fs.readFileSync(path.join(sysroot, 'etc/group'), 'utf8').split('\n').map((l) => l.split(':')[0]));
  for (const unit of UNITS) {
    const text = fs.readFileSync(path.join(root, 'lib/systemd/system', unit), 'utf8');
    for (const [, key, name] of text.matchAll(/^(User|SocketUser|Group|SocketGroup)=(\S+)$/gm)) {
      assert.ok((key.endsWith('User') ? users : groups).has(name), `${unit}: ${key}=${name} is not created by sysusers.d`);
    }
  }

  // verify resolves default dependencies (sysinit.target, system.slice, ...) inside --root: give
  // the scratch root the host's targets and slices, nothing else.
  const hostUnits = '/lib/systemd/system';
  const rootUnits = path.join(root, 'usr/lib/systemd/system');
  fs.mkdirSync(rootUnits, { recursive: true });
  for (const f of fs.readdirSync(hostUnits).filter((f) => /\.(target|slice)$/.test(f))) {
    fs.copyFileSync(fs.realpathSync(path.join(hostUnits, f)), path.join(rootUnits, f));
  }
  const verify = (units) => {
    try {
      return run('systemd-analyze', ['verify', '--man=no', `--root=${root}`, ...units.map((u) => path.join(root, 'lib/systemd/system', u))], { stdio: 'pipe' });
    } catch (e) {
      return `${e.stdout}${e.stderr}exit ${e.status}`;
    }
  };
  assert.equal(verify(UNITS), '');
  // The control: verify does check ExecStart against the root, so a missing binary fails.
  const enclave = path.join(root, 'usr/lib/cryfttee/bin/cryfttee-enclave');
  fs.renameSync(enclave, `${enclave}.away`);
  try {
    assert.match(verify(['cryfttee-enclave.service']), /cryfttee-enclave is not executable/);
  } finally {
    fs.renameSync(`${enclave}.away`, enclave);
  }
});

function request(socketPath, method, urlPath) {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path: urlPath, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error(`timeout: ${method} ${urlPath}`)));
    req.end();
  });
}

test('the daemon runs from the installed paths, registers a BLS key, signs and stops cleanly', async () => {
  const data = path.join(tmp, 'data');
  const socket = path.join(tmp, 'api.sock');
  // Only what we set: no CRYFTTEE_* setting inherited from the caller may point elsewhere.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CRYFTTEE_')));
  env.CRYFTTEE_CONFIG = path.join(root, 'etc/cryfttee/cryfttee.toml');
  const log = [];
  const daemon = spawn(path.join(root, 'usr/bin/cryfttee'),
    ['--uds-path', socket, '--data-dir', data, '--kiosk-addr', 'off', '--metrics-addr', ''],
    { env, stdio: ['ignore', 'pipe', 'pipe'] });
  daemon.stdout.on('data', (c) => log.push(c));
  daemon.stderr.on('data', (c) => log.push(c));
  const exited = new Promise((resolve) => daemon.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    let status;
    for (let i = 0; i < 200 && daemon.exitCode === null; i++) {
      status = await request(socket, 'GET', '/v1/staking/status').catch(() => undefined);
      if (status) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(status, `the daemon did not answer:\n${Buffer.concat(log)}`);
    const body = JSON.parse(status.text);
    // Every packaged module was found through the installed share directory and is trusted by
    // the installed trust file.
    assert.deepEqual(body.modules.filter((m) => m.loaded && m.trusted).map((m) => m.id).sort(), [...MODULES].sort());
    // The process is the packaged binary, reached through /usr/bin.
    const att = JSON.parse((await request(socket, 'GET', '/v1/runtime/attestation')).text);
    const installed = crypto.createHash('sha256').update(fs.readFileSync(path.join(root, 'usr/lib/cryfttee/bin/cryfttee'))).digest('hex');
    assert.equal(att.core_binary_hash, `sha256:${installed}`);

    const ctl = (...args) => JSON.parse(run(path.join(root, 'usr/bin/cryftteectl'), ['--socket', socket, '--json', ...args], { env }));
    const key = ctl('keys', 'generate', 'bls');
    const msg = crypto.randomBytes(32).toString('hex');
    const sig = ctl('sign', 'bls', '--key-handle', key.key_handle, '--msg', msg);
    const hex = (h) => Buffer.from(h.replace(/^0x/, ''), 'hex');
    const pk = blst.PublicKey.fromBytes(hex(key.public_key), true);
    assert.ok(blst.verify(hex(msg), pk, blst.Signature.fromBytes(hex(sig.signature), true)), 'signature does not verify');
    assert.ok(!blst.verify(hex(msg).reverse(), pk, blst.Signature.fromBytes(hex(sig.signature), true)));
  } finally {
    if (daemon.exitCode === null) daemon.kill('SIGTERM');
  }
  assert.deepEqual(await exited, { code: 0, signal: null }, Buffer.concat(log).toString());
});
