/**
 * Preloaded (`node --require`) into a process that must not use the network: every way Node opens a
 * connection or looks up a name is replaced by one that appends what was tried to the file named by
 * OPSLINT_NETWORK_LOG and throws. TCP and TLS sockets, HTTP(S) and HTTP/2 (fetch too) all end in
 * net.Socket#connect; UDP sockets and DNS look-ups are blocked on their own.
 */
const fs = require('node:fs');
const net = require('node:net');
const tls = require('node:tls');
const dns = require('node:dns');
const dgram = require('node:dgram');
const http = require('node:http');
const https = require('node:https');
const http2 = require('node:http2');

const log = process.env.OPSLINT_NETWORK_LOG;
if (!log) throw new Error('no-network.js: set OPSLINT_NETWORK_LOG');

function blocked(what) {
  return function () {
    fs.appendFileSync(log, `${what}\n`);
    throw new Error(`network access blocked in this test: ${what}`);
  };
}

net.Socket.prototype.connect = blocked('net.Socket#connect');
net.connect = net.createConnection = blocked('net.connect');
tls.connect = blocked('tls.connect');
http.request = http.get = blocked('http.request');
https.request = https.get = blocked('https.request');
http2.connect = blocked('http2.connect');
dgram.createSocket = blocked('dgram.createSocket');
for (const name of [
  'lookup',
  'lookupService',
  'resolve',
  'resolve4',
  'resolve6',
  'resolveAny',
  'resolveCname',
  'resolveTxt',
  'reverse',
]) {
  dns[name] = blocked(`dns.${name}`);
  dns.promises[name] = blocked(`dns.promises.${name}`);
}
globalThis.fetch = blocked('fetch');
