// Idle connections held by one server process.
//
//   node bench/idle.mjs --world WORLD.json --url http://127.0.0.1:PORT [--connections 1000] [--hold 40]
//
// Opens `connections` Socket.IO connections (members' cookies in turn), each joined to
// the document and synced (join, sync step 1 → step 2 applied), then holds them idle
// for `hold` seconds — longer than the server's ping interval (25 s), so every
// connection must answer at least one heartbeat — and counts how many are still
// connected. JSON lines on stdout: `connected` (when all are open, so the driver can
// read the server's memory then), `result`.

import { Peer, loadWorld, nowMs, parseArgs, pool, report, sleep, summarise } from './lib.mjs'

const args = parseArgs(process.argv.slice(2), {
  world: '',
  url: '',
  connections: 1000,
  concurrency: 50,
  hold: 40,
  document: '',
  settle: 3
})
if (!args.world || !args.url) {
  console.error('usage: node idle.mjs --world WORLD.json --url http://127.0.0.1:PORT [options]')
  process.exit(2)
}
const world = loadWorld(args.world)
const members = [...world.editors, ...world.observers]
const document = args.document || world.document

async function main () {
  const started = nowMs()
  const peers = []
  const failures = {}
  const joinTimes = []
  await pool(args.connections, args.concurrency, async (i) => {
    const member = members[i % members.length]
    const peer = new Peer({ url: args.url, cookie: member.cookie, cookieName: world.cookie_name, dossierId: world.dossier_id, document })
    try {
      await peer.connect(30000)
      const t0 = nowMs()
      await peer.joinAndSync()
      joinTimes.push(nowMs() - t0)
      peers.push(peer)
    } catch (err) {
      const key = String(err && err.message ? err.message : err).slice(0, 80)
      failures[key] = (failures[key] || 0) + 1
      peer.close()
    }
  })
  const openSeconds = (nowMs() - started) / 1000
  await sleep(args.settle * 1000)
  const connected = peers.filter((p) => p.connected).length
  report({ phase: 'connected', opened: peers.length, connected, open_s: Math.round(openSeconds * 100) / 100 })
  const holdStart = nowMs()
  while (nowMs() - holdStart < args.hold * 1000) await sleep(250)
  const still = peers.filter((p) => p.connected).length
  report({
    phase: 'result',
    requested: args.connections,
    opened: peers.length,
    failures,
    open_s: Math.round(openSeconds * 100) / 100,
    join_sync_ms: summarise(joinTimes),
    connected_after_open: connected,
    hold_s: args.hold,
    connected_after_hold: still,
    disconnects: peers.reduce((n, p) => n + p.disconnects, 0),
    disconnect_reasons: [...new Set(peers.flatMap((p) => p.disconnectReasons))],
    y_errors: peers.reduce((n, p) => n + p.errors.length, 0)
  })
  peers.forEach((p) => p.close())
  setTimeout(() => process.exit(0), 500)
}

main().catch((err) => {
  report({ phase: 'error', message: String(err && err.stack ? err.stack : err) })
  process.exit(1)
})
