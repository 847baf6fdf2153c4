package dev.geoloc.schemas;

import java.util.List;

import org.apache.avro.Schema;

/** The schemas this project puts on its topics. */
final class Contracts {

    static final List<Schema> ALL = List.of(
            ImageEvent.getClassSchema(),
            RegionPrediction.getClassSchema(),
            PanoramaPrediction.getClassSchema(),
            ModelVersion.getClassSchema(),
            DeadLetter.getClassSchema(),
            ModelStatus.getClassSchema());

    static Schema byName(String name) {
        return ALL.stream().filter(schema -> schema.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no contract named " + name));
    }

    private Contracts() {
    }
}
