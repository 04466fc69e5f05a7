// The runtime the project promises: a supported Node.js LTS (26, or 24). npm scripts run on the
// binary pinned in package.json's optionalDependencies (node_modules/.bin/node), whatever the
// machine's own `node` is; on a platform without a pinned binary they run on the machine's node,
// and this stops them early with what to do instead of failing somewhere later.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(
    `CASCADE needs Node.js 24 or 26 (LTS); this is ${process.version} at ${process.execPath}.\n` +
      '`npm ci` installs the pinned Node 26 for linux-x64, linux-arm64 and darwin-x64; on another platform install Node 26 ' +
      '(see .nvmrc) and run npm again.\n',
  );
  process.exit(1);
}
