// Fan-out latency of one live document: N editors typing at a steady rate, M observers.
//
//   node bench/fanout.mjs --world /tmp/x/world.json --url http://127.0.0.1:5000 \
//        [--editors 50] [--observers 10] [--rate 5] [--jitter 0.5] [--warmup 5] [--duration 30] [--window 0] [--tag '#']
//
// Every editor owns a paragraph of the question `objectifs` (XmlFragment > paragraph >
// XmlText, as TipTap writes it) and types a marker into it `rate` times a second (with
// jitter). The marker is a few characters carrying the editor, a sequence number and
// the send time on CLOCK_MONOTONIC: `<tag><editor>.<seq>.<µs>|` in base 36. Every client
// (the other editors and the observers) applies the server's merged broadcasts to its
// own Y.Doc and observes it; each marker that appears in a remote transaction is one
// delivery, and its latency is now − send time. Only markers sent during the measured
// window (after the warm-up) count. Results: one JSON line `{"phase": "result", ...}`.
// With --window S (> 0) the result also has `windows`: delivery and ack latency per S seconds
// of the window (by send time), to see whether latency drifts over a long session.
// With --url a,b clients are spread over several servers (round robin).

import { writeFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Peer, REMOTE, Y, cpuMs, loadWorld, nowMs, parseArgs, pool, report, sleep, summarise } from './lib.mjs'

const args = parseArgs(process.argv.slice(2), {
  world: '',
  url: '',
  editors: 50,
  observers: 10,
  rate: 5,
  jitter: 0.5,
  warmup: 5,
  duration: 30,
  drain: 3,
  field: 'objectifs',
  concurrency: 25,
  setupSpread: 2000,
  ackTimeout: 10000,
  window: 0,
  tag: '#',
  rawOut: ''
})
if (!args.world || !args.url) {
  console.error('usage: node fanout.mjs --world WORLD.json --url http://127.0.0.1:PORT [options]')
  process.exit(2)
}

const world = loadWorld(args.world)
const urls = args.url.split(',')
if (args.editors > world.editors.length || args.observers > world.observers.length) {
  console.error(`the world has ${world.editors.length} editors and ${world.observers.length} observers`)
  process.exit(2)
}
const members = [
  ...world.editors.slice(0, args.editors).map((m) => ({ ...m, editor: true })),
  ...world.observers.slice(0, args.observers).map((m) => ({ ...m, editor: false }))
]

// Each keystroke's text: tag, editor, sequence number, send time (base 36), '|'. Another run in the same
// document (the probe of scenario e) uses another tag, and neither counts the other's keystrokes.
const MARKER = new RegExp(`${args.tag.replace(/[^0-9A-Za-z]/g, '\\$&')}([0-9a-z]+)\\.([0-9a-z]+)\\.([0-9a-z]+)\\|`, 'g')
const latencies = []
const sendSeconds = [] // second of the window each delivery was sent in (for the timeline)
let windowStart = Infinity
let windowEnd = Infinity
let duplicates = 0
let receivedInWindow = 0
let receivedLate = 0
let collecting = true

function watch (peer, receiverIndex) {
  const seen = new Set()
  const fragment = peer.doc.getXmlFragment(args.field)
  const parse = (text, at) => {
    MARKER.lastIndex = 0
    let match
    while ((match = MARKER.exec(text)) !== null) {
      const editor = parseInt(match[1], 36)
      const seq = parseInt(match[2], 36)
      const sentAt = parseInt(match[3], 36) / 1000
      const key = editor * 1e7 + seq
      if (seen.has(key)) {
        duplicates++
        continue
      }
      seen.add(key)
      if (editor === receiverIndex || sentAt < windowStart || sentAt >= windowEnd) continue
      if (!collecting) {
        receivedLate++
        continue
      }
      receivedInWindow++
      latencies.push(at - sentAt)
      sendSeconds.push(Math.floor((sentAt - windowStart) / 1000))
    }
  }
  const scan = (type, at) => {
    if (type instanceof Y.XmlText) {
      for (const op of type.toDelta()) if (typeof op.insert === 'string') parse(op.insert, at)
    } else if (type instanceof Y.XmlElement || type instanceof Y.XmlFragment) {
      for (const child of type.toArray()) scan(child, at)
    }
  }
  fragment.observeDeep((events, transaction) => {
    if (transaction.origin !== REMOTE) return
    const at = nowMs()
    for (const event of events) {
      for (const op of event.delta) {
        if (typeof op.insert === 'string') parse(op.insert, at)
        else if (Array.isArray(op.insert)) for (const type of op.insert) scan(type, at)
      }
    }
  })
}

const LOOP_RESOLUTION_MS = 2
function loopDelay (ns) {
  return Math.max(0, Math.round((ns / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100)
}

async function main () {
  const setupStarted = nowMs()
  const peers = members.map((m, i) => new Peer({
    url: urls[i % urls.length],
    cookie: m.cookie,
    cookieName: world.cookie_name,
    dossierId: world.dossier_id,
    document: world.document,
    ackTimeout: args.ackTimeout
  }))
  await pool(peers.length, args.concurrency, async (i) => {
    await peers[i].connect()
    await peers[i].joinAndSync()
  })
  const editors = peers.slice(0, args.editors)
  peers.forEach((peer, i) => watch(peer, i))

  // Each editor's own paragraph, created at a random moment within --setup-spread ms
  // (people do not all start typing in the same millisecond); then wait until every
  // client sees all of them.
  const setupAcks = []
  await Promise.all(editors.map((peer) => new Promise((resolve) => setTimeout(() => {
    peer.onAck = (_sentAt, ack, err) => setupAcks.push(err ? 'timeout' : ack)
    peer.sendLocalUpdates = true
    const fragment = peer.doc.getXmlFragment(args.field)
    peer.doc.transact(() => {
      const paragraph = new Y.XmlElement('paragraph')
      fragment.insert(fragment.length, [paragraph])
      const text = new Y.XmlText()
      paragraph.insert(0, [text])
      peer.text = text
    })
    resolve()
  }, Math.random() * args.setupSpread))))
  const barrierDeadline = nowMs() + 15000
  while (nowMs() < barrierDeadline) {
    if (peers.every((p) => p.doc.getXmlFragment(args.field).length >= args.editors)) break
    await sleep(50)
  }
  const barrierOk = peers.every((p) => p.doc.getXmlFragment(args.field).length >= args.editors)
  report({ phase: 'ready', clients: peers.length, setup_s: Math.round(nowMs() - setupStarted) / 1000, barrier_ok: barrierOk })

  // The run: warm-up, then the measured window.
  const start = nowMs() + 200
  windowStart = start + args.warmup * 1000
  windowEnd = windowStart + args.duration * 1000
  const sentInWindow = new Array(editors.length).fill(0)
  let sentTotal = 0
  const ack = { saved: 0, refused: 0, timeouts: 0, latencies: [], sentAt: [], refusals: {} }
  let inflight = 0
  editors.forEach((peer) => {
    peer.onAck = (sentAt, reply, err) => {
      inflight--
      if (sentAt < windowStart || sentAt >= windowEnd) return
      if (err) ack.timeouts++
      else if (reply && reply.saved) {
        ack.saved++
        ack.latencies.push(nowMs() - sentAt)
        ack.sentAt.push(sentAt)
      } else {
        ack.refused++
        const code = reply && reply.error ? reply.error.code : 'unknown'
        ack.refusals[code] = (ack.refusals[code] || 0) + 1
      }
    }
  })
  const period = 1000 / args.rate
  const sendOnce = (peer, index, seq) => {
    const at = nowMs()
    const marker = `${args.tag}${index.toString(36)}.${seq.toString(36)}.${Math.round(at * 1000).toString(36)}|`
    inflight++
    sentTotal++
    if (at >= windowStart && at < windowEnd) sentInWindow[index]++
    peer.text.insert(peer.text.length, marker) // -> doc 'update' -> `y` event with ack
  }
  // Send times are scheduled on an absolute timeline (each one interval after the previous
  // *scheduled* time), so a late timer does not lower the offered rate.
  const typing = editors.map((peer, index) => new Promise((resolve) => {
    let seq = 0
    let due = start + Math.random() * period
    const tick = () => {
      if (nowMs() >= windowEnd || !peer.connected) return resolve()
      sendOnce(peer, index, ++seq)
      due += period * (1 + args.jitter * (2 * Math.random() - 1))
      setTimeout(tick, due - nowMs())
    }
    setTimeout(tick, due - nowMs())
  }))

  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })
  const messagesAt = () => peers.reduce((n, p) => n + p.messages, 0)
  let cpuStart = 0
  let messagesStart = 0
  let cpuEnd = 0
  let messagesEnd = 0
  const measured = new Promise((resolve) => {
    setTimeout(() => {
      report({ phase: 'measure_start' })
      cpuStart = cpuMs()
      messagesStart = messagesAt()
      loop.enable()
      setTimeout(() => {
        cpuEnd = cpuMs()
        messagesEnd = messagesAt()
        loop.disable()
        report({ phase: 'measure_end' })
        resolve()
      }, windowEnd - nowMs())
    }, windowStart - nowMs())
  })
  await Promise.all([typing, measured])

  // Drain: acknowledgements and late deliveries.
  const drainDeadline = nowMs() + Math.max(args.drain * 1000, 0)
  const ackDeadline = nowMs() + args.ackTimeout + 1000
  while (nowMs() < drainDeadline || (inflight > 0 && nowMs() < ackDeadline)) await sleep(50)
  collecting = false
  await sleep(500) // anything now is late
  const converged = (() => {
    const reference = Y.encodeStateVector(peers[0].doc).toString()
    const text = peers[0].doc.getXmlFragment(args.field).toString()
    return peers.every((p) => Y.encodeStateVector(p.doc).toString() === reference &&
      p.doc.getXmlFragment(args.field).toString() === text)
  })()

  const sent = sentInWindow.reduce((a, b) => a + b, 0)
  const connectedAtEnd = peers.filter((p) => p.connected).length
  const receivers = peers.length - 1
  const result = {
    phase: 'result',
    editors: args.editors,
    observers: args.observers,
    rate: args.rate,
    jitter: args.jitter,
    warmup_s: args.warmup,
    duration_s: args.duration,
    servers: urls.length,
    sent_total: sentTotal,
    sent_in_window: sent,
    sent_per_s: Math.round((sent / args.duration) * 10) / 10,
    acks: {
      saved: ack.saved,
      refused: ack.refused,
      timeouts: ack.timeouts,
      refusals: ack.refusals,
      saved_per_s: Math.round((ack.saved / args.duration) * 10) / 10,
      latency_ms: summarise(ack.latencies)
    },
    deliveries: {
      expected: sent * receivers,
      received: receivedInWindow,
      missing: sent * receivers - receivedInWindow,
      late: receivedLate,
      duplicates
    },
    latency_ms: summarise(latencies),
    broadcasts_per_client_per_s: Math.round(((messagesEnd - messagesStart) / peers.length / args.duration) * 10) / 10,
    updates_per_broadcast: messagesEnd > messagesStart
      ? Math.round((sent * peers.length / (messagesEnd - messagesStart)) * 100) / 100
      : null,
    disconnects: peers.reduce((n, p) => n + p.disconnects, 0),
    disconnect_reasons: [...new Set(peers.flatMap((p) => p.disconnectReasons))],
    connected_at_end: connectedAtEnd,
    y_errors: peers.reduce((n, p) => n + p.errors.length, 0),
    setup_refusals: setupAcks.filter((a) => a === 'timeout' || !a || !a.saved).length,
    converged,
    client_cpu_pct: Math.round(((cpuEnd - cpuStart) / (args.duration * 1000)) * 1000) / 10,
    // How late the client's own event loop ran (beyond the sampling interval): the part
    // of the latency that is the clients' and not the server's.
    client_event_loop_delay_ms: {
      p50: loopDelay(loop.percentile(50)),
      p99: loopDelay(loop.percentile(99)),
      max: loopDelay(loop.max)
    }
  }
  // Per second of the window (by send time): deliveries, p50, p99, max — shows whether
  // slow deliveries are spread out or come in periodic stalls.
  const bySecond = Array.from({ length: Math.ceil(args.duration) }, () => [])
  latencies.forEach((v, i) => { if (bySecond[sendSeconds[i]]) bySecond[sendSeconds[i]].push(v) })
  result.timeline = bySecond.map((values, second) => {
    const s = summarise(values)
    return { second, count: s.count, p50: s.p50, p99: s.p99, max: s.max }
  })
  if (args.window > 0) {
    const count = Math.ceil(args.duration / args.window)
    const bucket = (values, seconds) => {
      const out = Array.from({ length: count }, () => [])
      values.forEach((v, i) => { const w = Math.floor(seconds(i) / args.window); if (out[w]) out[w].push(v) })
      return out.map(summarise)
    }
    const deliveries = bucket(latencies, (i) => sendSeconds[i])
    const acks = bucket(ack.latencies, (i) => (ack.sentAt[i] - windowStart) / 1000)
    result.windows = deliveries.map((d, w) => ({
      from_s: w * args.window,
      to_s: Math.min((w + 1) * args.window, args.duration),
      deliveries: d.count,
      p50: d.p50,
      p99: d.p99,
      max: d.max,
      ack_p50: acks[w].p50,
      ack_p99: acks[w].p99
    }))
  }
  if (args.rawOut) writeFileSync(args.rawOut, JSON.stringify({ latencies_ms: latencies, ack_ms: ack.latencies }))
  report(result)
  peers.forEach((p) => p.close())
  setTimeout(() => process.exit(0), 200)
}

main().catch((err) => {
  report({ phase: 'error', message: String(err && err.stack ? err.stack : err) })
  process.exit(1)
})
