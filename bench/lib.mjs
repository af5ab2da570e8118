// Shared pieces of the benchmark's Node clients: a Codossier live-document peer
// speaking docs/protocol.md (Socket.IO + y-protocols), a monotonic clock shared by
// every process of the machine, argument parsing and percentiles.

import { readFileSync } from 'node:fs'
import { io } from 'socket.io-client'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'

export { Y }

export const REMOTE = Symbol('remote')
const SYNC = 0
const AWARENESS = 1

/** Milliseconds of CLOCK_MONOTONIC: the same clock in every process of this machine. */
export function nowMs () {
  return Number(process.hrtime.bigint()) / 1e6
}

export function sleep (ms) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
}

/** `--name value` and `--flag` arguments into an object (numbers parsed). */
export function parseArgs (argv, defaults) {
  const out = { ...defaults }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`)
    const key = arg.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase())
    if (!(key in defaults)) throw new Error(`unknown option ${arg}`)
    const next = argv[i + 1]
    if (typeof defaults[key] === 'boolean') {
      out[key] = true
    } else {
      if (next === undefined) throw new Error(`${arg} needs a value`)
      out[key] = typeof defaults[key] === 'number' ? Number(next) : next
      i++
    }
  }
  return out
}

export function loadWorld (path) {
  return JSON.parse(readFileSync(path, 'utf8'))
}

/** Print one JSON line on stdout (the driver, bench/run.py, reads them). */
export function report (object) {
  process.stdout.write(JSON.stringify(object) + '\n')
}

export function percentile (sorted, p) {
  if (sorted.length === 0) return null
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]
}

export function summarise (values) {
  const sorted = Float64Array.from(values).sort()
  const round = (v) => (v === null ? null : Math.round(v * 100) / 100)
  let sum = 0
  for (const v of sorted) sum += v
  return {
    count: sorted.length,
    mean: round(sorted.length ? sum / sorted.length : null),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : null)
  }
}

/** Run `task(i)` for i in [0, count) with at most `limit` running at once. */
export async function pool (count, limit, task) {
  const results = new Array(count)
  let next = 0
  async function worker () {
    while (next < count) {
      const i = next++
      results[i] = await task(i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker))
  return results
}

function toBytes (data) {
  if (typeof data === 'string') return new Uint8Array(Buffer.from(data, 'base64'))
  if (data instanceof Uint8Array) return data
  return new Uint8Array(data)
}

/**
 * One connection with one live document open, as the browser's provider would hold it:
 * join, answer the server's sync step 1, send our own sync step 1, apply step 2 and
 * updates, send local updates with an acknowledgement callback.
 */
export class Peer {
  constructor ({ url, cookie, cookieName = 'codossier_session', dossierId, document, ackTimeout = 10000 }) {
    this.url = url
    this.cookie = `${cookieName}=${cookie}`
    this.dossierId = dossierId
    this.document = document
    this.ackTimeout = ackTimeout
    this.doc = new Y.Doc()
    this.socket = null
    this.connected = false
    this.closing = false
    this.disconnects = 0
    this.messages = 0
    this.disconnectReasons = []
    this.errors = []
    this.readOnly = null
    this.onStep2 = null // (receivedAt, appliedAt, bytes) => void
    this.onAck = null // (sentAt, ack, error) => void
    this.sendLocalUpdates = false
    this.doc.on('update', (update, origin) => {
      if (origin !== REMOTE && this.sendLocalUpdates) this.sendUpdate(update)
    })
  }

  connect (timeout = 20000) {
    return new Promise((resolve, reject) => {
      const socket = io(this.url, {
        forceNew: true, // one engine per connection: many connections from one process
        transports: ['websocket'],
        reconnection: false,
        timeout,
        extraHeaders: { Cookie: this.cookie, Origin: this.url }
      })
      this.socket = socket
      const timer = setTimeout(() => reject(new Error('connect timeout')), timeout + 1000)
      socket.on('connect', () => {
        clearTimeout(timer)
        this.connected = true
        resolve(this)
      })
      socket.on('connect_error', (err) => {
        clearTimeout(timer)
        reject(err)
      })
      socket.on('disconnect', (reason) => {
        if (this.connected && !this.closing) {
          this.disconnects++
          this.disconnectReasons.push(reason)
        }
        this.connected = false
      })
      socket.on('y', (dossierId, document, data) => this.receive(dossierId, document, data))
      socket.on('y-error', (error) => this.errors.push(error))
    })
  }

  /** Emit `join`; resolves with the acknowledgement. */
  join () {
    return this.socket
      .timeout(this.ackTimeout)
      .emitWithAck('join', { dossier_id: this.dossierId, document: this.document })
      .then((ack) => {
        if (!ack || !ack.ok) throw new Error(`join refused: ${JSON.stringify(ack)}`)
        this.readOnly = ack.read_only
        return ack
      })
  }

  /** Send our sync step 1 (our state vector); the server answers with sync step 2. */
  sendStep1 () {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, SYNC)
    syncProtocol.writeSyncStep1(encoder, this.doc)
    return this.emitY(encoding.toUint8Array(encoder))
  }

  /** Join, then sync: resolves once the server's sync step 2 has been applied. */
  async joinAndSync () {
    const synced = new Promise((resolve) => {
      this.onStep2 = (receivedAt, appliedAt, bytes) => {
        this.onStep2 = null
        resolve({ receivedAt, appliedAt, bytes })
      }
    })
    const ack = await this.join()
    this.sendStep1()
    const step2 = await synced
    return { ack, step2 }
  }

  sendUpdate (update) {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, SYNC)
    syncProtocol.writeUpdate(encoder, update)
    return this.emitY(encoding.toUint8Array(encoder))
  }

  emitY (message) {
    const sentAt = nowMs()
    this.socket
      .timeout(this.ackTimeout)
      .emit('y', this.dossierId, this.document, message, (err, ack) => {
        if (this.onAck) this.onAck(sentAt, ack, err)
      })
    return sentAt
  }

  receive (dossierId, document, data) {
    if (dossierId !== this.dossierId || document !== this.document) return
    const receivedAt = nowMs()
    const bytes = toBytes(data)
    const decoder = decoding.createDecoder(bytes)
    const kind = decoding.readVarUint(decoder)
    if (kind === AWARENESS) return
    if (kind !== SYNC) return
    const sub = decoding.readVarUint(decoder)
    if (sub === syncProtocol.messageYjsSyncStep1) {
      // The server's step 1: answer with what we have beyond its state (the provider does).
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, SYNC)
      syncProtocol.readSyncStep1(decoder, encoder, this.doc)
      this.emitY(encoding.toUint8Array(encoder))
      return
    }
    const update = decoding.readVarUint8Array(decoder)
    this.messages++
    Y.applyUpdate(this.doc, update, REMOTE)
    if (sub === syncProtocol.messageYjsSyncStep2 && this.onStep2) {
      this.onStep2(receivedAt, nowMs(), bytes.length)
    }
  }

  close () {
    this.closing = true
    if (this.socket) this.socket.disconnect()
    this.connected = false
  }
}

/** CPU time of this process in milliseconds. */
export function cpuMs () {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}
