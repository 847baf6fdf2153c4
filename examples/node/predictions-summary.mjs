#!/usr/bin/env node
// A live summary of the region-predictions topic, as a dashboard would read it: the Node twin of
// ../python/predictions_summary.py, with the same options, lines and final JSON.
//
// kafkajs reads committed records only (readUncommitted: false), so the predictions of an aborted processor
// transaction are never counted; @kafkajs/confluent-schema-registry fetches each writer schema from the
// registry by the id in the record (Confluent wire format) and decodes with avsc.
//
// Every --interval-s seconds it prints one line: predictions, the top regions, mean confidence and expected
// error, and on labelled predictions (those with ground truth) the live accuracy and mean actual error, by model
// version. With --json the lines go to standard error and standard output gets the final summary as one JSON
// object.
import { parseArgs } from 'node:util';

import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';

const TOPIC = 'region-predictions'; // Topics.REGION_PREDICTIONS in contracts/
const TOP_REGIONS = 3;
const CONNECT_TIMEOUT_MS = 10_000;

const mean = (total, count) => (count ? total / count : null);

/** Running sums over predictions; the labelled ones (with ground truth) also give accuracy and actual error. */
class Stats {
  records = 0;
  labelled = 0;
  correct = 0;
  confidence = 0;
  expectedErrorKm = 0;
  latencyMs = 0;
  actualErrorKm = 0;

  add(prediction) {
    const predicted = prediction.predicted_region;
    this.records += 1;
    this.confidence += predicted.probability;
    this.expectedErrorKm += prediction.expected_error_km;
    this.latencyMs += prediction.end_to_end_latency_ms;
    // As the processor's own metrics count it: labelled means an actual error, right means the true region.
    if (prediction.actual_error_km !== null) {
      this.labelled += 1;
      this.correct += predicted.region_id === prediction.true_region_id ? 1 : 0;
      this.actualErrorKm += prediction.actual_error_km;
    }
  }

  toJSON() {
    return {
      records: this.records,
      mean_confidence: mean(this.confidence, this.records),
      mean_expected_error_km: mean(this.expectedErrorKm, this.records),
      mean_end_to_end_latency_ms: mean(this.latencyMs, this.records),
      labelled: this.labelled,
      accuracy: mean(this.correct, this.labelled),
      mean_actual_error_km: mean(this.actualErrorKm, this.labelled),
    };
  }

  labelledText() {
    if (!this.labelled) return 'no labelled';
    return `${this.labelled} labelled: ${((100 * this.correct) / this.labelled).toFixed(1)}% right, `
      + `${(this.actualErrorKm / this.labelled).toFixed(1)} km`;
  }
}

/** All predictions, by predicted region and by model version (name/version). */
class Summary {
  all = new Stats();
  regions = new Map();
  models = new Map();

  add(prediction) {
    this.all.add(prediction);
    const region = prediction.predicted_region.region_id;
    this.regions.set(region, (this.regions.get(region) ?? 0) + 1);
    const model = `${prediction.model_name}/${prediction.model_version}`;
    if (!this.models.has(model)) this.models.set(model, new Stats());
    this.models.get(model).add(prediction);
  }

  toJSON() {
    return {
      ...this.all.toJSON(),
      regions: Object.fromEntries(this.regions),
      models: Object.fromEntries(this.models),
    };
  }

  line() {
    const { all } = this;
    if (!all.records) return '0 predictions';
    const top = [...this.regions].sort((a, b) => b[1] - a[1]).slice(0, TOP_REGIONS)
      .map(([region, count]) => `${region} ${count}`).join(', ');
    const models = [...this.models].sort(([a], [b]) => a.localeCompare(b))
      .map(([model, stats]) => `${model} ${stats.records}, ${stats.labelledText()}`).join('; ');
    return `${all.records} predictions | top ${top} | confidence ${(all.confidence / all.records).toFixed(2)}`
      + ` | expected error ${(all.expectedErrorKm / all.records).toFixed(1)} km`
      + ` | ${all.labelledText()} | ${models}`;
  }
}

function options() {
  const { values } = parseArgs({
    options: {
      'bootstrap-servers': { type: 'string', default: process.env.GEOLOC_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092' },
      'registry-url': {
        type: 'string',
        default: process.env.GEOLOC_SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
      },
      topic: { type: 'string', default: TOPIC },
      group: { type: 'string', default: 'predictions-summary-node' },
      'from-latest': { type: 'boolean', default: false },
      'max-records': { type: 'string' },
      'timeout-s': { type: 'string' },
      'interval-s': { type: 'string', default: '5' },
      json: { type: 'boolean', default: false },
    },
  });
  return {
    ...values,
    maxRecords: values['max-records'] === undefined ? null : Number(values['max-records']),
    timeoutMs: values['timeout-s'] === undefined ? null : 1000 * Number(values['timeout-s']),
    intervalMs: 1000 * Number(values['interval-s']),
  };
}

function fail(message) {
  console.error(`predictions-summary: ${message}`);
  process.exit(1);
}

/** Fails early and plainly, rather than on the first record, when the registry does not answer. */
async function checkRegistry(url) {
  try {
    const response = await fetch(`${url.replace(/\/$/, '')}/subjects`, { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  } catch (e) {
    fail(`the schema registry at ${url} is unreachable: ${e.cause?.message ?? e.message}`);
  }
}

/** kafkajs logs to standard error, warnings and worse only: standard output is the summary's. */
const toStderr = () => ({ namespace, log }) => console.error(`kafkajs ${namespace}: ${log.message}`);

async function connect(opts) {
  const kafka = new Kafka({
    clientId: 'predictions-summary',
    brokers: opts['bootstrap-servers'].split(','),
    connectionTimeout: CONNECT_TIMEOUT_MS,
    logLevel: logLevel.WARN,
    logCreator: toStderr,
  });
  const consumer = kafka.consumer({ groupId: opts.group, readUncommitted: false });
  try {
    await consumer.connect();
  } catch (e) {
    fail(`Kafka at ${opts['bootstrap-servers']} is unreachable: ${e.message}`);
  }
  await consumer.subscribe({ topic: opts.topic, fromBeginning: !opts['from-latest'] });
  return consumer;
}

/**
 * Reads into summary until --max-records, --timeout-s or Ctrl-C; resolves to false if --max-records was not
 * reached. Offsets are resolved (and so committed) only for the records counted.
 */
async function consume(consumer, registry, summary, opts, printLine) {
  let finish;
  const finished = new Promise((resolve) => { finish = resolve; });
  let done = false;
  const stop = (complete) => { done = true; finish(complete); };
  const timer = opts.timeoutMs === null ? null : setTimeout(() => stop(opts.maxRecords === null), opts.timeoutMs);
  const ticker = setInterval(() => printLine(summary.line()), opts.intervalMs);
  process.once('SIGINT', () => stop(true)); // stopped by hand: the summary so far is the answer
  await consumer.run({
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (const message of batch.messages) {
        if (done) break;
        summary.add(await registry.decode(message.value));
        resolveOffset(message.offset);
        if (summary.all.records === opts.maxRecords) stop(true);
      }
      await heartbeat();
    },
  });
  const complete = await finished;
  clearTimeout(timer);
  clearInterval(ticker);
  return complete;
}

async function main() {
  const opts = options();
  await checkRegistry(opts['registry-url']);
  const registry = new SchemaRegistry({ host: opts['registry-url'] });
  const consumer = await connect(opts);
  // With --json standard output is the one JSON document; the live lines go to standard error.
  const printLine = opts.json ? console.error : console.log;
  const summary = new Summary();
  const complete = await consume(consumer, registry, summary, opts, printLine);
  await consumer.disconnect();
  printLine(summary.line());
  if (opts.json) console.log(JSON.stringify(summary));
  if (!complete) fail(`${summary.all.records} of ${opts.maxRecords} records in ${opts.timeoutMs / 1000} s`);
}

main().catch((e) => fail(e.stack ?? e));
