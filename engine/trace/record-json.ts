/**
 * The JSON text of one trace record, always equal to JSON.stringify(record), but cheaper for the engine's
 * distribution records, the bulk of a trace's bytes. The record is written key by key in its own key order (the
 * order JSON.stringify uses), with JSON.stringify for every leaf and list, so a record of any shape comes out
 * unchanged; the saving is that a top-k list appearing again in the same record (the processed list is the very
 * array of the raw or last stage list whenever no processor changed the scores; a filter that removed nothing
 * shares its predecessor's) is serialised once, without building a stand-in object per record. Number digits
 * stay JSON.stringify's own: writing a list's numbers by string concatenation measured slower.
 */
import type { DistributionRecord, TraceRecord } from './schema';
import type { TopKEntry } from '../logits/records';

export function recordJson(record: TraceRecord): string {
  return record.type === 'distribution' ? distributionJson(record) : JSON.stringify(record);
}

/** JSON.stringify of a number: non-finite becomes null; the digits are the same shortest round trip. */
function num(x: number): string {
  return Number.isFinite(x) ? '' + x : 'null';
}

/** `"key":` texts, made once per key name. */
const keyTexts = new Map<string, string>();
function keyText(k: string): string {
  let t = keyTexts.get(k);
  if (t === undefined) keyTexts.set(k, (t = JSON.stringify(k) + ':'));
  return t;
}

/** Serialises one record's lists, remembering the last one so a list shared within the record is written once. */
class ListCache {
  private list: unknown = null;
  private text = '';

  json(list: readonly TopKEntry[]): string {
    if (list !== this.list) {
      this.list = list;
      this.text = JSON.stringify(list);
    }
    return this.text;
  }
}

/** An object's members as JSON.stringify writes them, with `topk` arrays through the list cache. */
function objectJson(o: object, lists: ListCache): string {
  let text = '{';
  let first = true;
  for (const k of Object.keys(o)) {
    const v = (o as Record<string, unknown>)[k];
    let part: string | undefined;
    if (k === 'topk' && Array.isArray(v)) part = lists.json(v as TopKEntry[]);
    else if (typeof v === 'number') part = num(v);
    else part = JSON.stringify(v);
    if (part === undefined) continue; // undefined, functions, symbols: left out, as JSON.stringify does
    text += (first ? '' : ',') + keyText(k) + part;
    first = false;
  }
  return text + '}';
}

function distributionJson(r: DistributionRecord): string {
  if (!isPlainObject(r)) return JSON.stringify(r);
  const lists = new ListCache();
  let text = '{';
  let first = true;
  for (const k of Object.keys(r)) {
    const v = (r as unknown as Record<string, unknown>)[k];
    let part: string | undefined;
    if ((k === 'raw' || k === 'processed') && isPlainObject(v)) part = objectJson(v, lists);
    else if (k === 'stages' && Array.isArray(v)) part = stagesJson(v, lists);
    else if (typeof v === 'number') part = num(v);
    else part = JSON.stringify(v);
    if (part === undefined) continue;
    text += (first ? '' : ',') + keyText(k) + part;
    first = false;
  }
  return text + '}';
}

function stagesJson(stages: readonly unknown[], lists: ListCache): string {
  if (stages.length === 0) return '[]';
  let text = '[';
  for (let i = 0; i < stages.length; i++) {
    const s = stages[i];
    // JSON.stringify writes array holes and undefined/function members of an array as null.
    const part = isPlainObject(s) ? objectJson(s, lists) : (JSON.stringify(s) ?? 'null');
    text += (i === 0 ? '' : ',') + part;
  }
  return text + ']';
}

/** A plain data object (no toJSON, not an array or boxed value), which objectJson writes as JSON.stringify would. */
function isPlainObject(v: unknown): v is object {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}
