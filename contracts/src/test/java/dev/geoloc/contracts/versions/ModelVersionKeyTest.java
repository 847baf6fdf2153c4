package dev.geoloc.contracts.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelVersionKeyTest {

    @Test
    void aKeyNamesTheModelAndTheVersionAndReadsBackAsWritten() {
        ModelVersionKey key = new ModelVersionKey("la-street.v2_dino", 12);

        assertThat(key.toString()).isEqualTo("la-street.v2_dino/12");
        assertThat(ModelVersionKey.parse(key.toString())).contains(key);
    }

    @Test
    void anythingElseOnTheTopicIsNotAKey() {
        assertThat(ModelVersionKey.parse(null)).isEmpty();
        assertThat(ModelVersionKey.parse("la-street")).as("keyed by name alone").isEmpty();
        assertThat(ModelVersionKey.parse("la-street/")).isEmpty();
        assertThat(ModelVersionKey.parse("/3")).isEmpty();
        assertThat(ModelVersionKey.parse("la-street/0")).as("versions start at 1").isEmpty();
        assertThat(ModelVersionKey.parse("la-street/03")).as("one spelling per version").isEmpty();
        assertThat(ModelVersionKey.parse("la-street/-1")).isEmpty();
        assertThat(ModelVersionKey.parse("la-street/3x")).isEmpty();
        assertThat(ModelVersionKey.parse("la/streets/3")).isEmpty();
        assertThat(ModelVersionKey.parse("la-street/9999999999")).as("beyond an int").isEmpty();
        assertThat(ModelVersionKey.parse("la-street/2147483647")).contains(new ModelVersionKey("la-street", Integer.MAX_VALUE));
    }

    @Test
    void aKeyCannotBeMadeThatWouldNotReadBack() {
        assertThatThrownBy(() -> new ModelVersionKey("la/streets", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModelVersionKey("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModelVersionKey(".hidden", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModelVersionKey("la-street", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
