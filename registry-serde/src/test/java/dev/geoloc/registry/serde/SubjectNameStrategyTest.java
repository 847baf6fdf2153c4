package dev.geoloc.registry.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import dev.geoloc.registry.testing.Reading;

class SubjectNameStrategyTest {

    private final Schema schema = Reading.getClassSchema();

    @Test
    void eachStrategyNamesItsSubjectAsConfluentsDoes() {
        assertThat(SubjectNameStrategy.TOPIC_NAME.subject("images", false, schema)).isEqualTo("images-value");
        assertThat(SubjectNameStrategy.TOPIC_NAME.subject("images", true, schema)).isEqualTo("images-key");
        assertThat(SubjectNameStrategy.RECORD_NAME.subject("images", false, schema))
                .isEqualTo("dev.geoloc.registry.testing.Reading");
        assertThat(SubjectNameStrategy.TOPIC_RECORD_NAME.subject("images", false, schema))
                .isEqualTo("images-dev.geoloc.registry.testing.Reading");
    }

    @Test
    void configurationAcceptsConfluentClassNames() {
        assertThat(SubjectNameStrategy.fromConfig("k",
                "io.confluent.kafka.serializers.subject.RecordNameStrategy")).isEqualTo(SubjectNameStrategy.RECORD_NAME);
        assertThat(SubjectNameStrategy.fromConfig("k", "TopicNameStrategy")).isEqualTo(SubjectNameStrategy.TOPIC_NAME);
        assertThat(SubjectNameStrategy.fromConfig("k", "topic_record_name"))
                .isEqualTo(SubjectNameStrategy.TOPIC_RECORD_NAME);
        assertThatThrownBy(() -> SubjectNameStrategy.fromConfig("value.subject.name.strategy", "Nope"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("value.subject.name.strategy");
    }
}
