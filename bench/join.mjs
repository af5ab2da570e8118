// Time for a new client to join and sync a document.
//
//   node bench/join.mjs --world WORLD.json --url http://127.0.0.1:PORT [--document action-2] [--joins 7]
//
// Each join uses a fresh connection (opened first, not timed). Timed from the `join`
// emit to the server's sync step 2 applied to the client's empty Y.Doc:
//   join_ack    — the `join` acknowledgement (the server also computed its sync step 1)
//   step2_recv  — the sync step 2 message received (after our sync step 1)
//   total       — the sync step 2 applied (Yjs), the document is on screen
// The joins are sequential. Before them, one join of --warm-document (default: the
// world's small fan-out document) warms the process (imports, SQL caches), so the
// first timed join measures the document, not the process's first request.

import { Peer, Y, loadWorld, nowMs, parseArgs, report } from './lib.mjs'

const args = parseArgs(process.argv.slice(2), {
  world: '',
  url: '',
  document: '',
  warmDocument: '',
  joins: 7,
  label: ''
})
if (!args.world || !args.url) {
  console.error('usage: node join.mjs --world WORLD.json --url http://127.0.0.1:PORT [options]')
  process.exit(2)
}
const world = loadWorld(args.world)
const document = args.document || world.long_document
const member = world.observers[0] || world.editors[0]

async function timedJoin (name) {
  const peer = new Peer({ url: args.url, cookie: member.cookie, cookieName: world.cookie_name, dossierId: world.dossier_id, document: name, ackTimeout: 60000 })
  const c0 = nowMs()
  await peer.connect(30000)
  const connectMs = nowMs() - c0
  const t0 = nowMs()
  await peer.join()
  const joinAck = nowMs() - t0
  const synced = new Promise((resolve) => { peer.onStep2 = (receivedAt, appliedAt, bytes) => resolve({ receivedAt, appliedAt, bytes }) })
  peer.sendStep1()
  const step2 = await synced
  let characters = 0
  for (const key of peer.doc.share.keys()) characters += peer.doc.getXmlFragment(key).toString().length
  peer.close()
  const round = (v) => Math.round(v * 100) / 100
  return {
    connect_ms: round(connectMs),
    join_ack_ms: round(joinAck),
    step2_recv_ms: round(step2.receivedAt - t0),
    total_ms: round(step2.appliedAt - t0),
    apply_ms: round(step2.appliedAt - step2.receivedAt),
    step2_bytes: step2.bytes,
    content_chars: characters
  }
}

async function main () {
  const warm = await timedJoin(args.warmDocument || world.document)
  const joins = []
  for (let i = 0; i < args.joins; i++) joins.push(await timedJoin(document))
  report({ phase: 'result', label: args.label, document, warm, joins })
  setTimeout(() => process.exit(0), 200)
}

main().catch((err) => {
  report({ phase: 'error', message: String(err && err.stack ? err.stack : err) })
  process.exit(1)
})
