import { describe, expect, it } from 'vitest'
import {
  interpretOriginMessage,
  type OriginMessageAction,
  parseControlMessage,
  parseGripExtension,
  type WsControl,
} from '../../../src/grip/ws-control.ts'

/** The bytes of a string whose chars are all below 0x100 (`'\xff'` is byte 0xff). */
const raw = (value: string) => Uint8Array.from(value, (c) => c.charCodeAt(0))
const text = (value: string) => new TextEncoder().encode(value)

describe('parseGripExtension', () => {
  it.each<{ header: string | null; enabled: boolean; prefix: string }>([
    { header: null, enabled: false, prefix: '' },
    { header: '', enabled: false, prefix: '' },
    { header: 'grip', enabled: true, prefix: 'm:' },
    { header: 'GRIP', enabled: true, prefix: 'm:' },
    { header: ' grip ', enabled: true, prefix: 'm:' },
    { header: 'grip; message-prefix="x:"', enabled: true, prefix: 'x:' },
    { header: 'grip;message-prefix=x:', enabled: true, prefix: 'x:' },
    { header: 'grip; message-prefix=""', enabled: true, prefix: '' },
    // Pushpin stores a bare parameter with an empty value.
    { header: 'grip; message-prefix', enabled: true, prefix: '' },
    { header: 'grip; Message-Prefix="p"', enabled: true, prefix: 'p' },
    { header: 'grip; message-prefix="a,b"', enabled: true, prefix: 'a,b' },
    { header: 'grip; message-prefix="q\\"q"', enabled: true, prefix: 'q"q' },
    { header: 'grip; other=1', enabled: true, prefix: 'm:' },
    // A header byte string: "café:" sent as UTF-8.
    { header: 'grip; message-prefix="caf\u00c3\u00a9:"', enabled: true, prefix: 'café:' },
    { header: 'permessage-deflate, grip; message-prefix="m:"', enabled: true, prefix: 'm:' },
    { header: 'grip; message-prefix="a:", grip', enabled: true, prefix: 'a:' },
    { header: 'permessage-deflate', enabled: false, prefix: '' },
    { header: 'grip-ext', enabled: false, prefix: '' },
    { header: 'x; grip', enabled: false, prefix: '' },
    { header: 'grip; message-prefix="unterminated', enabled: false, prefix: '' },
  ])('$header', ({ header, enabled, prefix }) => {
    expect(parseGripExtension(header)).toStrictEqual({ enabled, prefix })
  })
})

describe('interpretOriginMessage', () => {
  it.each<{
    name: string
    type: 'TEXT' | 'BINARY'
    content: Uint8Array
    prefix: string
    want: OriginMessageAction
  }>([
    {
      name: 'prefixed text (H82)',
      type: 'TEXT',
      content: text('m:welcome'),
      prefix: 'm:',
      want: { kind: 'message', type: 'TEXT', content: text('welcome') },
    },
    {
      name: 'prefixed binary (H85)',
      type: 'BINARY',
      content: raw('m:\x00\x01\x02'),
      prefix: 'm:',
      want: { kind: 'message', type: 'BINARY', content: raw('\x00\x01\x02') },
    },
    {
      name: 'prefix only',
      type: 'TEXT',
      content: text('m:'),
      prefix: 'm:',
      want: { kind: 'message', type: 'TEXT', content: raw('') },
    },
    {
      name: 'unprefixed text (H83)',
      type: 'TEXT',
      content: text('unprefixed-should-drop'),
      prefix: 'm:',
      want: { kind: 'drop', reason: 'TEXT message does not start with prefix "m:"' },
    },
    {
      name: 'unprefixed binary',
      type: 'BINARY',
      content: raw('\x00\x01'),
      prefix: 'm:',
      want: { kind: 'drop', reason: 'BINARY message does not start with prefix "m:"' },
    },
    {
      name: 'short message',
      type: 'TEXT',
      content: text('m'),
      prefix: 'm:',
      want: { kind: 'drop', reason: 'TEXT message does not start with prefix "m:"' },
    },
    {
      name: 'custom prefix',
      type: 'TEXT',
      content: text('m:hi'),
      prefix: 'x:',
      want: { kind: 'drop', reason: 'TEXT message does not start with prefix "x:"' },
    },
    {
      name: 'no prefix',
      type: 'TEXT',
      content: text('hello'),
      prefix: '',
      want: { kind: 'message', type: 'TEXT', content: text('hello') },
    },
    {
      name: 'no prefix, binary',
      type: 'BINARY',
      content: raw('\x00'),
      prefix: '',
      want: { kind: 'message', type: 'BINARY', content: raw('\x00') },
    },
    {
      name: 'UTF-8 prefix',
      type: 'TEXT',
      content: text('é:x'),
      prefix: 'é:',
      want: { kind: 'message', type: 'TEXT', content: text('x') },
    },
    {
      name: 'subscribe (H82)',
      type: 'TEXT',
      content: text('c:{"type":"subscribe","channel":"w1"}'),
      prefix: 'm:',
      want: { kind: 'control', control: { type: 'subscribe', channel: 'w1' } },
    },
    {
      name: 'control with no prefix',
      type: 'TEXT',
      content: text('c:{"type":"detach"}'),
      prefix: '',
      want: { kind: 'control', control: { type: 'detach' } },
    },
    {
      name: 'binary c: is not control',
      type: 'BINARY',
      content: text('c:{"type":"detach"}'),
      prefix: 'm:',
      want: { kind: 'drop', reason: 'BINARY message does not start with prefix "m:"' },
    },
    {
      name: 'binary c: passes with no prefix',
      type: 'BINARY',
      content: text('c:{"type":"detach"}'),
      prefix: '',
      want: { kind: 'message', type: 'BINARY', content: text('c:{"type":"detach"}') },
    },
    {
      name: 'C: is not control',
      type: 'TEXT',
      content: text('C:{"type":"detach"}'),
      prefix: '',
      want: { kind: 'message', type: 'TEXT', content: text('C:{"type":"detach"}') },
    },
    {
      name: 'control array',
      type: 'TEXT',
      content: text('c:[{"type":"detach"}]'),
      prefix: 'm:',
      want: { kind: 'drop', reason: 'control message is not a JSON object' },
    },
    {
      name: 'control invalid JSON',
      type: 'TEXT',
      content: text('c:{"type":'),
      prefix: 'm:',
      want: { kind: 'drop', reason: 'control message is not valid UTF-8 JSON' },
    },
    {
      name: 'control unknown type',
      type: 'TEXT',
      content: text('c:{"type":"reboot"}'),
      prefix: 'm:',
      want: { kind: 'drop', reason: `'type' contains unknown value: "reboot"` },
    },
  ])('$name', ({ type, content, prefix, want }) => {
    expect(interpretOriginMessage({ type, content }, prefix)).toStrictEqual(want)
  })
})

describe('parseControlMessage', () => {
  const keepAlive = (fields: Partial<Extract<WsControl, { type: 'keep-alive' }>>): WsControl => ({
    type: 'keep-alive',
    content: undefined,
    messageType: 'text',
    timeoutSec: 55,
    mode: 'idle',
    ...fields,
  })

  it.each<{ json: string; want: WsControl }>([
    {
      json: '{"type":"subscribe","channel":"room-7"}',
      want: { type: 'subscribe', channel: 'room-7' },
    },
    {
      json: '{"channel":"w1","type":"subscribe","filters":["skip-self"]}',
      want: { type: 'subscribe', channel: 'w1', filters: ['skip-self'] },
    },
    {
      json: '{"type":"subscribe","channel":"w1","filters":[]}',
      want: { type: 'subscribe', channel: 'w1', filters: [] },
    },
    { json: '{"type":"subscribe","channel":"café"}', want: { type: 'subscribe', channel: 'café' } },
    {
      json: '{"type":"subscribe","channel":"a","__proto__":{"x":1}}',
      want: { type: 'subscribe', channel: 'a' },
    },
    // H100.
    { json: '{"type":"unsubscribe","channel":"w8"}', want: { type: 'unsubscribe', channel: 'w8' } },
    {
      json: '{"type":"unsubscribe","channel":"w8","filters":"ignored"}',
      want: { type: 'unsubscribe', channel: 'w8' },
    },
    // H99.
    { json: '{"type":"detach"}', want: { type: 'detach' } },
    { json: ' {"type":"detach","extra":true} ', want: { type: 'detach' } },
    // H98.
    {
      json: '{"type":"keep-alive","content":"KA","timeout":2}',
      want: keepAlive({ content: text('KA'), timeoutSec: 2 }),
    },
    { json: '{"type":"keep-alive"}', want: keepAlive({}) },
    {
      json: '{"type":"keep-alive","content-bin":"3q2+7w==","message-type":"binary","mode":"interval"}',
      want: keepAlive({
        content: raw('\xde\xad\xbe\xef'),
        messageType: 'binary',
        mode: 'interval',
      }),
    },
    {
      json: '{"type":"keep-alive","content":"text","content-bin":"AAE="}',
      want: keepAlive({ content: raw('\x00\x01') }),
    },
    {
      json: '{"type":"keep-alive","content":"","message-type":"ping"}',
      want: keepAlive({ content: raw(''), messageType: 'ping' }),
    },
    {
      json: '{"type":"keep-alive","content":"p","message-type":"pong","timeout":0}',
      want: keepAlive({ content: text('p'), messageType: 'pong' }),
    },
    {
      json: '{"type":"keep-alive","content":"é","mode":"whatever"}',
      want: keepAlive({ content: raw('\xc3\xa9') }),
    },
    // Without content the timeout is not read, as in Pushpin: keep-alives are off anyway.
    { json: '{"type":"keep-alive","timeout":-1}', want: keepAlive({}) },
    {
      json: '{"type":"set-meta","name":"user","value":"alice"}',
      want: { type: 'set-meta', name: 'user', value: 'alice' },
    },
    {
      json: '{"type":"set-meta","name":"user","value":""}',
      want: { type: 'set-meta', name: 'user', value: '' },
    },
    { json: '{"type":"set-meta","name":"user"}', want: { type: 'set-meta', name: 'user' } },
  ])('$json', ({ json, want }) => {
    expect(parseControlMessage(text(json))).toStrictEqual({ ok: true, value: want })
  })

  it.each<{ json: string | Uint8Array; want: string }>([
    { json: 'not json', want: 'control message is not valid UTF-8 JSON' },
    { json: '', want: 'control message is not valid UTF-8 JSON' },
    { json: raw('{"type":"detach","x":"\xff"}'), want: 'control message is not valid UTF-8 JSON' },
    { json: '[]', want: 'control message is not a JSON object' },
    { json: '"detach"', want: 'control message is not a JSON object' },
    { json: 'null', want: 'control message is not a JSON object' },
    { json: '{}', want: "control message has no string 'type'" },
    { json: '{"type":5}', want: "control message has no string 'type'" },
    { json: '{"type":"Detach"}', want: `'type' contains unknown value: "Detach"` },
    { json: '{"type":"session","id":"s1"}', want: 'control type "session" is not supported' },
    {
      json: '{"type":"send-delayed","content":"x"}',
      want: 'control type "send-delayed" is not supported',
    },
    { json: '{"type":"flush-delayed"}', want: 'control type "flush-delayed" is not supported' },
    { json: '{"type":"subscribe"}', want: "subscribe has no string 'channel'" },
    { json: '{"type":"subscribe","channel":5}', want: "subscribe has no string 'channel'" },
    {
      json: '{"type":"subscribe","channel":""}',
      want: "subscribe contains 'channel' with invalid value",
    },
    {
      json: '{"type":"subscribe","channel":"a","filters":"f"}',
      want: "subscribe contains 'filters' with wrong type",
    },
    {
      json: '{"type":"subscribe","channel":"a","filters":[1]}',
      want: 'filters contains value with wrong type',
    },
    {
      json: '{"type":"unsubscribe","channel":""}',
      want: "unsubscribe contains 'channel' with invalid value",
    },
    { json: '{"type":"set-meta"}', want: "set-meta has no string 'name'" },
    { json: '{"type":"set-meta","name":""}', want: "set-meta contains 'name' with invalid value" },
    {
      json: '{"type":"set-meta","name":"n","value":5}',
      want: "set-meta contains 'value' with wrong type",
    },
    {
      json: '{"type":"set-meta","name":"n","value":null}',
      want: "set-meta contains 'value' with wrong type",
    },
    {
      json: '{"type":"keep-alive","content":5}',
      want: "keep-alive contains 'content' with wrong type",
    },
    {
      json: '{"type":"keep-alive","content-bin":5}',
      want: "keep-alive contains 'content-bin' with wrong type",
    },
    {
      json: '{"type":"keep-alive","content-bin":"!!"}',
      want: "keep-alive contains 'content-bin' that is not valid base64",
    },
    {
      json: '{"type":"keep-alive","content":"x","message-type":"close"}',
      want: "keep-alive contains 'message-type' with unknown value",
    },
    {
      json: '{"type":"keep-alive","content":"x","message-type":5}',
      want: "keep-alive contains 'message-type' with wrong type",
    },
    {
      json: '{"type":"keep-alive","content":"x","timeout":-1}',
      want: "keep-alive contains 'timeout' with invalid value",
    },
    {
      json: '{"type":"keep-alive","content":"x","timeout":"5"}',
      want: "keep-alive contains 'timeout' with invalid value",
    },
    {
      json: '{"type":"keep-alive","content":"x","timeout":1.5}',
      want: "keep-alive contains 'timeout' with invalid value",
    },
    {
      json: '{"type":"keep-alive","content":"x","timeout":2147483648}',
      want: "keep-alive contains 'timeout' with invalid value",
    },
    {
      json: '{"type":"keep-alive","content":"x","mode":5}',
      want: "keep-alive contains 'mode' with wrong type",
    },
  ])('refuses $json', ({ json, want }) => {
    const bytes = typeof json === 'string' ? text(json) : json
    expect(parseControlMessage(bytes)).toStrictEqual({ ok: false, error: want })
  })
})
