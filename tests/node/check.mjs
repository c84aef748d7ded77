#!/usr/bin/env node
// check.mjs - an independent check of patroli's WARC files with
// webrecorder's warcio.js (the library behind pywb/ReplayWeb.page).
//
//   node tests/node/check.mjs FILE.warc.gz...
//
// warcio.js parses the files (gzip member per record, WARC headers, the
// HTTP head of request/response blocks, chunked de-coding).  warcio.js has
// no digest verification of its own (its serializer only writes digests),
// so the digests are recomputed here with node:crypto over the block and
// payload that warcio hands back:
//  - WARC-Block-Digest over the whole content block;
//  - WARC-Payload-Digest over the HTTP entity body after the head, with the
//    chunked transfer coding removed by warcio's own de-chunker and the
//    content coding kept (WARC 1.1 section 5.9).
// It also checks the structure patroli promises: every record in its own
// gzip member, a warcinfo first, record ids as <urn:uuid:...>, requests
// WARC-Concurrent-To an existing response, WARC-Warcinfo-ID pointing at the
// file's warcinfo.  Prints counts; exits 1 on any problem.
import { createReadStream } from "node:fs";
import { createHash } from "node:crypto";
import { AsyncIterReader, StatusAndHeadersParser, WARCParser } from "warcio";

const ALGOS = { sha1: "sha1", "sha-1": "sha1", sha256: "sha256",
  "sha-256": "sha256", sha512: "sha512", "sha-512": "sha512", md5: "md5" };
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const UUID_ID = /^<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>$/;
const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

function base32(bytes) {
  let out = "", acc = 0, bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= 0xff;
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  while (out.length % 8) out += "=";
  return out;
}

// null if the label matches, else why not.
function digestProblem(label, data) {
  const i = label.indexOf(":");
  if (i < 0) return `unreadable digest ${label}`;
  const algo = ALGOS[label.slice(0, i).toLowerCase()];
  if (!algo) return `unknown digest algorithm in ${label}`;
  const value = label.slice(i + 1).trim().replace(/=+$/, "").toUpperCase();
  const md = createHash(algo).update(data).digest();
  const b32 = base32(md).replace(/=+$/, "");
  const hex = md.toString("hex").toUpperCase();
  if (value === b32 || value === hex) return null;
  return `mismatch: recorded ${label}, computed ${label.slice(0, i)}:${base32(md)}`;
}

function concat(chunks) {
  return Buffer.concat(chunks.map((c) => Buffer.from(c)));
}

// RFC 9112 section 7.1 de-chunking, used only where warcio's de-chunker
// gives up: it does not know trailer fields, and stops at a truncated
// chunk.  Returns what could be decoded.
function dechunkRFC(buf) {
  const out = [];
  let pos = 0;
  for (;;) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) return Buffer.concat(out);
    const line = buf.subarray(pos, nl).toString("latin1").replace(/\r$/, "");
    const m = /^[ \t]*([0-9a-fA-F]+)[ \t]*(;.*)?$/.exec(line);
    if (!m) return Buffer.concat(out);
    const size = parseInt(m[1], 16);
    pos = nl + 1;
    if (size === 0) return Buffer.concat(out);
    out.push(buf.subarray(pos, Math.min(pos + size, buf.length)));
    if (pos + size > buf.length) return Buffer.concat(out);
    pos += size;
    if (buf[pos] === 13 && buf[pos + 1] === 10) pos += 2;
    else if (buf[pos] === 10) pos += 1;
    else return Buffer.concat(out);
  }
}

// The payload of an HTTP block.  The head ends at the first blank line
// (warcio's head parser misses the end of a head with no header fields, so
// the boundary is found here and warcio parses the fields); interim 1xx
// heads are skipped, as patroli does, so the payload is the final body.
async function httpPayload(block, isResponse, totals) {
  let start = 0;
  for (let i = 0; i < 9; i++) {
    const crlf = block.indexOf("\r\n\r\n", start);
    const lf = block.indexOf("\n\n", start);
    let end;
    if (crlf >= 0 && (lf < 0 || crlf + 2 <= lf)) end = crlf + 4;
    else if (lf >= 0) end = lf + 2;
    else return { ok: false };
    const reader = new AsyncIterReader([block.subarray(start, end)], null);
    const head = await new StatusAndHeadersParser().parse(reader);
    if (!head) return { ok: false };
    const status = isResponse ? Number(head.statusline.split(" ")[1]) : 0;
    if (isResponse && !(status >= 100 && status <= 999)) return { ok: false };
    if (isResponse && status < 200 && status !== 101 && i < 8) {
      start = end;
      continue;
    }
    const te = (head.headers.get("Transfer-Encoding") || "").split(",");
    const chunked = te[te.length - 1].trim().toLowerCase() === "chunked";
    const raw = block.subarray(end);
    if (!chunked || raw.length === 0) return { ok: true, payload: raw };
    const dechunker = new AsyncIterReader([raw], null, true);
    const payload = Buffer.from(await dechunker.readFully());
    if (!dechunker.errored) return { ok: true, payload };
    totals.ownDechunk++;
    return { ok: true, payload: dechunkRFC(raw) };
  }
  return { ok: false };
}

async function checkFile(file, totals) {
  const problems = [];
  const stream = createReadStream(file);
  const parser = new WARCParser(stream, { parseHttp: false });
  const responses = new Set();
  const requestsTo = [];
  let warcinfoId = null;
  let n = 0;
  let prevEnd = 0;

  for await (const record of parser) {
    const at = parser.offset;
    const h = record.warcHeaders.headers;
    const type = record.warcType;
    const id = h.get("WARC-Record-ID") || "";
    const where = `${file}:${at}`;
    const block = concat([await record.readFully(false)]);

    n++;
    totals.records++;
    if (at !== prevEnd)
      problems.push(`${where}: record does not start where the previous gzip member ended (${prevEnd})`);
    if (n === 1 && type !== "warcinfo") problems.push(`${where}: first record is ${type}, not warcinfo`);
    if (type === "warcinfo") warcinfoId = id;
    else if (h.get("WARC-Warcinfo-ID") !== warcinfoId)
      problems.push(`${where}: WARC-Warcinfo-ID does not name this file's warcinfo`);
    if (!UUID_ID.test(id)) problems.push(`${where}: WARC-Record-ID ${id} is not <urn:uuid:v4>`);
    if (!DATE.test(h.get("WARC-Date") || "")) problems.push(`${where}: bad WARC-Date ${h.get("WARC-Date")}`);
    if (record.warcContentLength !== block.length)
      problems.push(`${where}: Content-Length ${record.warcContentLength} but block has ${block.length} bytes`);

    const bd = record.warcBlockDigest;
    if (bd) {
      totals.blockDigests++;
      const p = digestProblem(bd, block);
      if (p) problems.push(`${where}: block digest ${p}`);
    } else if (type !== "warcinfo") {
      problems.push(`${where}: ${type} record without WARC-Block-Digest`);
    }

    const ct = (h.get("Content-Type") || "").toLowerCase();
    const pd = record.warcPayloadDigest;
    if (ct.startsWith("application/http")) {
      const isResponse = ct.includes("msgtype=response");
      if (isResponse) responses.add(id);
      else requestsTo.push([where, h.get("WARC-Concurrent-To")]);
      const { ok, payload } = await httpPayload(block, isResponse, totals);
      if (pd && ok) {
        totals.payloadDigests++;
        const p = digestProblem(pd, payload);
        if (p) problems.push(`${where}: payload digest ${p}`);
      } else if (pd && !ok) {
        problems.push(`${where}: payload digest on a block whose HTTP head does not parse`);
      } else if (ok) {
        problems.push(`${where}: ${type} record without WARC-Payload-Digest`);
      }
    } else if (pd) {
      totals.payloadDigests++;
      const p = digestProblem(pd, block);
      if (p) problems.push(`${where}: payload digest ${p}`);
    }
    // warcio reports the compressed length once the record is consumed.
    prevEnd = at + parser.recordLength;
  }
  for (const [where, to] of requestsTo)
    if (!responses.has(to)) problems.push(`${where}: WARC-Concurrent-To ${to} names no response in this file`);
  if (n === 0) problems.push(`${file}: no records`);
  return problems;
}

async function main() {
  const files = process.argv.slice(2);
  if (!files.length) {
    console.error("usage: node check.mjs FILE.warc.gz...");
    process.exit(2);
  }
  const totals = { records: 0, blockDigests: 0, payloadDigests: 0, ownDechunk: 0 };
  let problems = [];
  for (const f of files) {
    try {
      problems = problems.concat(await checkFile(f, totals));
    } catch (e) {
      problems.push(`${f}: warcio could not read it: ${e.message}`);
    }
  }
  for (const p of problems) console.log(`problem: ${p}`);
  console.log(`warcio: ${files.length} files, ${totals.records} records, ` +
    `${totals.blockDigests} block and ${totals.payloadDigests} payload digests checked, ` +
    `${problems.length} problems`);
  if (totals.ownDechunk)
    console.log(`warcio: ${totals.ownDechunk} chunked bodies (trailers or truncated) ` +
      "de-chunked by check.mjs where warcio's de-chunker gave up");
  process.exit(problems.length ? 1 : 0);
}

main();
