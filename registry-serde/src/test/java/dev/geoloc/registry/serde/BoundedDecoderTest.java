package dev.geoloc.registry.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import dev.geoloc.registry.testing.Reading;

class BoundedDecoderTest {

    @Test
    void decodesExactlyWhatAvrosOwnDecoderDecodes() throws IOException {
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] bytes = encode(randomReading(random));
            SpecificDatumReader<Reading> reader = new SpecificDatumReader<>(Reading.class);

            Reading bounded = reader.read(null, new BoundedDecoder(bytes, 0, bytes.length));
            Reading plain = reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));

            assertThat(bounded).isEqualTo(plain);
        }
    }

    @Test
    void refusesLengthsAndCountsBeyondThePayload() throws IOException {
        byte[] hugeString = {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
        // A million items announced, two bytes present: Avro would allocate the million first.
        byte[] hugeArrayBlock = longThenTwoBytes(1_000_000);

        assertThatThrownBy(() -> new BoundedDecoder(hugeString, 0, hugeString.length).readString())
                .isInstanceOf(IOException.class).hasMessageContaining("claims 2147483647 bytes but only 0 remain");
        assertThatThrownBy(() -> new BoundedDecoder(hugeString, 0, hugeString.length).readBytes(null))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> new BoundedDecoder(hugeArrayBlock, 0, hugeArrayBlock.length).readArrayStart())
                .isInstanceOf(IOException.class).hasMessageContaining("claims 1000000 items but only 2 bytes remain");
        assertThatThrownBy(() -> new BoundedDecoder(hugeArrayBlock, 0, hugeArrayBlock.length).readMapStart())
                .isInstanceOf(IOException.class);
    }

    private static byte[] longThenTwoBytes(long value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        encoder.writeLong(value);
        encoder.flush();
        out.write(new byte[] {0, 0});
        return out.toByteArray();
    }

    private static Reading randomReading(Random random) {
        Map<String, String> labels = new HashMap<>();
        IntStream.range(0, random.nextInt(4)).forEach(i -> labels.put("k" + i, "v" + random.nextInt()));
        byte[] blob = new byte[random.nextInt(100)];
        random.nextBytes(blob);
        return Reading.newBuilder()
                .setSensor("s" + random.nextInt())
                .setValue(random.nextGaussian())
                .setTakenAt(Instant.ofEpochMilli(random.nextLong(4_000_000_000_000L)))
                .setBlob(ByteBuffer.wrap(blob))
                .setLabels(labels)
                .setSamples(IntStream.range(0, random.nextInt(300)).boxed().toList())
                .setNote(random.nextBoolean() ? null : "é" + random.nextInt())
                .build();
    }

    private static byte[] encode(Reading reading) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(Reading.class).write(reading, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
