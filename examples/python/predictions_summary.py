#!/usr/bin/python3
"""A live summary of the region-predictions topic, as a dashboard would read it.

Confluent's Python client (Debian's python3-confluent-kafka with python3-avro) reads with
isolation.level=read_committed, so the predictions of an aborted processor transaction are never counted;
confluent_kafka.avro's MessageSerializer fetches each writer schema from the registry by the id in the record.

Every --interval-s seconds it prints one line: predictions, the top regions, mean confidence and expected error,
and on labelled predictions (those with ground truth) the live accuracy and mean actual error, by model version.
With --json the lines go to standard error and standard output gets the final summary as one JSON object.
"""
import argparse
import json
import os
import sys
import time
import urllib.request
from collections import Counter

from confluent_kafka import Consumer, KafkaException
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

TOPIC = "region-predictions"  # Topics.REGION_PREDICTIONS in contracts/
TOP_REGIONS = 3
CONNECT_TIMEOUT_S = 10


def mean(total, count):
    return total / count if count else None


class Stats:
    """Running sums over predictions; the labelled ones (with ground truth) also give accuracy and actual error."""

    def __init__(self):
        self.records = self.labelled = self.correct = 0
        self.confidence = self.expected_error_km = self.latency_ms = self.actual_error_km = 0.0

    def add(self, prediction):
        predicted = prediction["predicted_region"]
        self.records += 1
        self.confidence += predicted["probability"]
        self.expected_error_km += prediction["expected_error_km"]
        self.latency_ms += prediction["end_to_end_latency_ms"]
        # As the processor's own metrics count it: labelled means an actual error, right means the true region.
        if prediction["actual_error_km"] is not None:
            self.labelled += 1
            self.correct += predicted["region_id"] == prediction["true_region_id"]
            self.actual_error_km += prediction["actual_error_km"]

    def as_dict(self):
        return {
            "records": self.records,
            "mean_confidence": mean(self.confidence, self.records),
            "mean_expected_error_km": mean(self.expected_error_km, self.records),
            "mean_end_to_end_latency_ms": mean(self.latency_ms, self.records),
            "labelled": self.labelled,
            "accuracy": mean(self.correct, self.labelled),
            "mean_actual_error_km": mean(self.actual_error_km, self.labelled),
        }

    def labelled_text(self):
        if not self.labelled:
            return "no labelled"
        return (f"{self.labelled} labelled: {100 * self.correct / self.labelled:.1f}% right, "
                f"{self.actual_error_km / self.labelled:.1f} km")


class Summary:
    """All predictions, by predicted region and by model version (name/version)."""

    def __init__(self):
        self.all = Stats()
        self.regions = Counter()
        self.models = {}

    def add(self, prediction):
        self.all.add(prediction)
        self.regions[prediction["predicted_region"]["region_id"]] += 1
        model = f"{prediction['model_name']}/{prediction['model_version']}"
        self.models.setdefault(model, Stats()).add(prediction)

    def as_dict(self):
        return {
            **self.all.as_dict(),
            "regions": dict(self.regions),
            "models": {model: stats.as_dict() for model, stats in self.models.items()},
        }

    def line(self):
        if not self.all.records:
            return "0 predictions"
        top = ", ".join(f"{region} {count}" for region, count in self.regions.most_common(TOP_REGIONS))
        models = "; ".join(f"{model} {stats.records}, {stats.labelled_text()}"
                           for model, stats in sorted(self.models.items()))
        return (f"{self.all.records} predictions | top {top} | confidence {self.all.confidence / self.all.records:.2f}"
                f" | expected error {self.all.expected_error_km / self.all.records:.1f} km"
                f" | {self.all.labelled_text()} | {models}")


def options():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap-servers", default=os.environ.get("GEOLOC_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    parser.add_argument("--registry-url", default=os.environ.get("GEOLOC_SCHEMA_REGISTRY_URL",
                                                                 "http://127.0.0.1:8081/apis/ccompat/v7"))
    parser.add_argument("--topic", default=TOPIC)
    parser.add_argument("--group", default="predictions-summary-python", help="consumer group id")
    parser.add_argument("--from-latest", action="store_true",
                        help="with no committed offset, start at the end instead of the beginning")
    parser.add_argument("--max-records", type=int, help="exit after this many predictions")
    parser.add_argument("--timeout-s", type=float, help="exit after this many seconds (an error with --max-records)")
    parser.add_argument("--interval-s", type=float, default=5, help="seconds between summary lines")
    parser.add_argument("--json", action="store_true", help="print the final summary as one JSON object")
    return parser.parse_args()


def check_registry(url):
    """Fails early and plainly, rather than on the first record, when the registry does not answer."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/subjects", timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as e:  # urllib.error.URLError and HTTPError among them
        sys.exit(f"predictions_summary: the schema registry at {url} is unreachable: {e}")


def connect(opts):
    consumer = Consumer({
        "bootstrap.servers": opts.bootstrap_servers,
        "group.id": opts.group,
        "isolation.level": "read_committed",
        "auto.offset.reset": "latest" if opts.from_latest else "earliest",
    })
    try:
        consumer.list_topics(timeout=CONNECT_TIMEOUT_S)
    except KafkaException as e:
        sys.exit(f"predictions_summary: Kafka at {opts.bootstrap_servers} is unreachable: {e}")
    consumer.subscribe([opts.topic])
    return consumer


def consume(consumer, serializer, summary, opts, print_line):
    """Reads into summary until --max-records or --timeout-s; returns False if --max-records was not reached."""
    started = last_line = time.monotonic()
    while opts.max_records is None or summary.all.records < opts.max_records:
        now = time.monotonic()
        if opts.timeout_s is not None and now - started > opts.timeout_s:
            return opts.max_records is None
        if now - last_line >= opts.interval_s:
            print_line(summary.line())
            last_line = now
        message = consumer.poll(0.5)
        if message is None:
            continue
        if message.error():
            sys.exit(f"predictions_summary: consumer error: {message.error()}")
        summary.add(serializer.decode_message(message.value()))
    return True


def main():
    opts = options()
    check_registry(opts.registry_url)
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": opts.registry_url}))
    consumer = connect(opts)
    # With --json standard output is the one JSON document; the live lines go to standard error.
    out = sys.stderr if opts.json else sys.stdout
    summary = Summary()
    try:
        complete = consume(consumer, serializer, summary, opts, lambda line: print(line, file=out, flush=True))
    except KeyboardInterrupt:
        complete = True  # stopped by hand: the summary so far is the answer
    finally:
        consumer.close()
    print(summary.line(), file=out, flush=True)
    if opts.json:
        print(json.dumps(summary.as_dict(), sort_keys=True))
    if not complete:
        sys.exit(f"predictions_summary: {summary.all.records} of {opts.max_records} records in {opts.timeout_s} s")


if __name__ == "__main__":
    main()
