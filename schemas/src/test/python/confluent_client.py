#!/usr/bin/python3
"""Confluent's own Python client, as a party to the interoperability tests.

Runs with Debian's python3-confluent-kafka (its confluent_kafka.avro module: CachedSchemaRegistryClient
and MessageSerializer do the registry calls and the wire format) and python3-avro. Records are exchanged
with the Java test as JSON lines in a canonical form: bytes in base64, timestamps in epoch milliseconds.

  confluent_client.py consume BOOTSTRAP REGISTRY TOPIC COUNT    print COUNT records as JSON lines
  confluent_client.py produce BOOTSTRAP REGISTRY TOPIC SCHEMA   send JSON lines from stdin, keyed by image_id
"""
import base64
import datetime
import json
import sys

import avro.schema
from confluent_kafka import Consumer, Producer
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
TIMEOUT_S = 60


def to_millis(value):
    if value is None or isinstance(value, int):
        return value
    return (value - EPOCH) // datetime.timedelta(milliseconds=1)


def from_millis(value):
    return None if value is None else EPOCH + datetime.timedelta(milliseconds=value)


def canonical(event):
    """An ImageEvent as decoded by the Avro library, in the JSON form the Java test compares."""
    content = event["content"]
    if "data" in content:
        content = {"data": base64.b64encode(content["data"]).decode("ascii")}
    return {
        "image_id": event["image_id"],
        "content": content,
        "content_type": event["content_type"],
        "capture_time": to_millis(event["capture_time"]),
        "upload_time": to_millis(event["upload_time"]),
        "source_platform": event["source_platform"],
        "ground_truth": event["ground_truth"],
        "metadata": event["metadata"],
        "capture_group": event["capture_group"],
    }


def datum(line):
    """The canonical JSON form back into what the Avro library writes."""
    event = json.loads(line)
    if "data" in event["content"]:
        event["content"] = {"data": base64.b64decode(event["content"]["data"])}
    event["capture_time"] = from_millis(event["capture_time"])
    event["upload_time"] = from_millis(event["upload_time"])
    return event


def consume(bootstrap, registry, topic, count):
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": registry}))
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "python-interop-" + topic,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([topic])
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=TIMEOUT_S)
    seen = 0
    while seen < count:
        if datetime.datetime.now() > deadline:
            sys.exit(f"only {seen} of {count} records arrived within {TIMEOUT_S} s")
        message = consumer.poll(0.5)
        if message is None:
            continue
        if message.error():
            sys.exit(f"consumer error: {message.error()}")
        event = serializer.decode_message(message.value())
        if message.key().decode("utf-8") != event["image_id"]:
            sys.exit(f"key {message.key()!r} is not the image id {event['image_id']!r}")
        print(json.dumps(canonical(event), sort_keys=True), flush=True)
        seen += 1
    consumer.close()


def produce(bootstrap, registry, topic, schema_file):
    with open(schema_file) as f:
        schema = avro.schema.parse(f.read())
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": registry}))
    producer = Producer({"bootstrap.servers": bootstrap})
    for line in sys.stdin:
        if line.strip():
            event = datum(line)
            value = serializer.encode_record_with_schema(topic, schema, event, is_key=False)
            producer.produce(topic, key=event["image_id"].encode("utf-8"), value=value)
    if producer.flush(TIMEOUT_S) != 0:
        sys.exit("records left undelivered")


if __name__ == "__main__":
    command, bootstrap, registry, topic, last = sys.argv[1:6]
    if command == "consume":
        consume(bootstrap, registry, topic, int(last))
    elif command == "produce":
        produce(bootstrap, registry, topic, last)
    else:
        sys.exit(__doc__)
