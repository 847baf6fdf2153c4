#!/usr/bin/python3
"""The reference consumer's image decode alone: CPU ms per photo, median of 7 rounds, for each folder of JPEGs.

`./geoloc bench-processor --photos=SET` keeps its photos in stream-processor/target/bench/photos-SET/, so that
Debian's OpenCV can be timed on the very bytes the processor decoded (docs/performance.md):

    bench/python-reference/decode_cost.py stream-processor/target/bench/photos-*
"""
import pathlib
import statistics
import sys
import time

import cv2

from reference_consumer import Preprocessor

# The benchmark's tiny-cnn input: 64 px, ImageNet normalisation, centre crop
SPEC = {"input_size": 64, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "resize": "center_crop"}


def main():
    preprocess = Preprocessor(SPEC)
    for folder in sys.argv[1:]:
        photos = [path.read_bytes() for path in sorted(pathlib.Path(folder).glob("*.jpg"))]
        if not photos:
            sys.exit(f"{folder}: no .jpg files")
        calls = max(1, 300 // len(photos)) * len(photos)
        for photo in photos:
            preprocess(photo)
        rounds = []
        for _ in range(7):
            start = time.process_time()
            for i in range(calls):
                preprocess(photos[i % len(photos)])
            rounds.append((time.process_time() - start) / calls * 1000)
        print(f"{folder}: {len(photos)} photos, {statistics.median(rounds):.3f} CPU ms per photo"
              f" (OpenCV {cv2.__version__}, {cv2.getNumThreads()} threads)")


if __name__ == "__main__":
    main()
