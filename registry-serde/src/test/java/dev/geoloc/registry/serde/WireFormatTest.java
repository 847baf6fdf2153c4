package dev.geoloc.registry.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void theHeaderIsMagicByteZeroThenTheIdBigEndian() {
        assertThat(WireFormat.header(0x01020304)).containsExactly(0, 1, 2, 3, 4);
        assertThat(WireFormat.schemaId(new byte[] {0, 0, 0, 1, 0, 42})).isEqualTo(256);
    }

    @Test
    void aWrongMagicByteOrAShortPayloadIsNotTheWireFormat() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {1, 0, 0, 0, 1}))
                .isInstanceOfSatisfying(AvroSerdeException.class,
                        e -> assertThat(e.reason()).isEqualTo(AvroSerdeException.Reason.NOT_WIRE_FORMAT))
                .hasMessageContaining("magic byte 0x01");
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {0, 0, 1}))
                .isInstanceOf(AvroSerdeException.class)
                .hasMessageContaining("3 bytes");
    }
}
