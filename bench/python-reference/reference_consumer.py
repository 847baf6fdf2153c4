#!/usr/bin/python3
"""What a user would write instead of the processor: one Python process that geotags image events.

The baseline of `./geoloc bench-processor --against-python` (docs/performance.md). It keeps the processor's
guarantees and batch policy, with the libraries a Python user would pick, all Debian packages that only Debian's
/usr/bin/python3 sees:

- Confluent's client (python3-confluent-kafka): a read_committed consumer, and a transactional producer that
  commits the outputs and the input offsets together every --commit-interval-ms (exactly once, as the
  processor's exactly_once_v2 with commit.interval.ms=100);
- its legacy Avro module (python3-avro) to read ImageEvent in the Confluent wire format, writer schema from the
  registry by id;
- OpenCV (python3-opencv) to decode and resize: the same JPEG DCT-reduced decode, centre crop and INTER_AREA
  shrink as ImagePreprocessor;
- PyTorch (python3-torch): the bundle's own TorchScript encoder and head, loaded as trainer/scripts/gpu_check.py
  loads them, in batches of up to --batch images or whatever arrived within --max-delay-ms.

It does less than the processor per event, which favours it: no per-event validation beyond a failed decode
(counted and skipped, where the processor writes a dead letter), no location estimate, and a small JSON output
(image id, region, probability, upload time) instead of an Avro RegionPrediction.

    reference_consumer.py --bootstrap HOST:PORT --registry URL --bundle DIR --input TOPIC --output TOPIC
"""
import argparse
import json
import pathlib
import signal
import sys
import time

import cv2
import numpy as np
import torch
from confluent_kafka import Consumer, Producer
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "trainer" / "scripts"))
from gpu_check import load_model, read_bundle  # noqa: E402  (the one reader of bundles in Python)


class Preprocessor:
    """Encoded image -> normalised CHW float32, as ImagePreprocessor does it for JPEG and PNG."""

    REDUCED = {8: cv2.IMREAD_REDUCED_COLOR_8, 4: cv2.IMREAD_REDUCED_COLOR_4, 2: cv2.IMREAD_REDUCED_COLOR_2}

    def __init__(self, spec):
        self.size = spec["input_size"]
        self.crop = spec.get("resize", "center_crop") == "center_crop"
        # BGR order, scaled to [0, 1] first: (x / 255 - mean) / std
        self.mean = np.array(spec["mean"][::-1], dtype=np.float32) * 255
        self.scale = 1 / (np.array(spec["std"][::-1], dtype=np.float32) * 255)

    def __call__(self, encoded):
        data = np.frombuffer(encoded, dtype=np.uint8)
        image = cv2.imdecode(data, self.flags(encoded))
        if image is None:
            return None
        height, width = image.shape[:2]
        if self.crop:
            side = min(width, height)
            top, left = (height - side) // 2, (width - side) // 2
            image = image[top:top + side, left:left + side]
        shrinking = image.shape[0] >= self.size and image.shape[1] >= self.size
        image = cv2.resize(image, (self.size, self.size), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
        chw = ((image.astype(np.float32) - self.mean) * self.scale)[:, :, ::-1].transpose(2, 0, 1)
        return np.ascontiguousarray(chw)

    def flags(self, encoded):
        """The largest JPEG reduction that still leaves the shorter side at least the input size."""
        if encoded[:2] != b"\xff\xd8":
            return cv2.IMREAD_COLOR
        width, height = jpeg_size(encoded)
        for factor, flag in self.REDUCED.items():
            if width and min(width, height) // factor >= self.size:
                return flag
        return cv2.IMREAD_COLOR


def jpeg_size(data):
    """Width and height from a JPEG's first start-of-frame marker; (0, 0) when there is none."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return 0, 0
        marker = data[i + 1]
        length = int.from_bytes(data[i + 2:i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
        i += 2 + length
    return 0, 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--registry", required=True)
    parser.add_argument("--bundle", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--group", default="python-reference")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--max-delay-ms", type=int, default=20)
    parser.add_argument("--commit-interval-ms", type=int, default=100)
    args = parser.parse_args()

    manifest, model = load_model(read_bundle(args.bundle))
    preprocess = Preprocessor(manifest["preprocessing"])
    labels = manifest["labels"]
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": args.registry}))
    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": args.group,
                         "isolation.level": "read_committed", "enable.auto.commit": False,
                         "auto.offset.reset": "earliest", "fetch.max.bytes": 64 * 1024 * 1024})
    producer = Producer({"bootstrap.servers": args.bootstrap, "transactional.id": args.group + "-producer",
                         "linger.ms": 5})
    producer.init_transactions()
    consumer.subscribe([args.input])

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    print("ready", flush=True)
    predicted = skipped = 0
    in_transaction = False
    last_commit = 0.0
    while not stopping:
        messages = [m for m in consumer.consume(args.batch, args.max_delay_ms / 1000) if not m.error()]
        if messages:
            if not in_transaction:
                producer.begin_transaction()
                in_transaction = True
                last_commit = time.monotonic()
            events = [serializer.decode_message(m.value()) for m in messages]
            tensors, kept = [], []
            for event in events:
                tensor = preprocess(event["content"]["data"]) if "data" in event["content"] else None
                if tensor is None:
                    skipped += 1
                    continue
                tensors.append(tensor)
                kept.append(event)
            if tensors:
                with torch.no_grad():
                    probabilities = torch.softmax(model(torch.from_numpy(np.stack(tensors))), dim=1)
                best = probabilities.max(dim=1)
                for event, index, probability in zip(kept, best.indices.tolist(), best.values.tolist()):
                    upload = event["upload_time"]
                    output = {"image_id": event["image_id"], "region_id": labels[index], "probability": probability,
                              "upload_time_ms": int(upload.timestamp() * 1000) if upload else None,
                              "processed_time_ms": int(time.time() * 1000), "batch_size": len(tensors)}
                    producer.produce(args.output, key=event["image_id"].encode(), value=json.dumps(output).encode())
                    predicted += 1
        if in_transaction and time.monotonic() - last_commit >= args.commit_interval_ms / 1000:
            positions = [p for p in consumer.position(consumer.assignment()) if p.offset >= 0]
            producer.send_offsets_to_transaction(positions, consumer.consumer_group_metadata())
            producer.commit_transaction()
            in_transaction = False
            last_commit = time.monotonic()
    if in_transaction:
        producer.abort_transaction()
    consumer.close()
    print(json.dumps({"predicted": predicted, "skipped": skipped}), flush=True)


if __name__ == "__main__":
    main()
