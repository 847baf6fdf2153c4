package dev.geoloc.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Every record, enum and field of every contract says what it is: the registry shows these docs to users. */
class SchemaDocumentationTest {

    @Test
    void everyTypeAndFieldHasADoc() {
        List<String> undocumented = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        Contracts.ALL.forEach(schema -> collectUndocumented(schema, visited, undocumented));

        assertThat(visited).contains("dev.geoloc.schemas.GeoPoint", "dev.geoloc.schemas.RegionScore",
                "dev.geoloc.schemas.EvaluationMetrics", "dev.geoloc.schemas.DeadLetterCode",
                "dev.geoloc.schemas.InlineImage", "dev.geoloc.schemas.ImageUri");
        assertThat(undocumented).isEmpty();
    }

    private static void collectUndocumented(Schema schema, Set<String> visited, List<String> undocumented) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!visited.add(schema.getFullName())) {
                    return;
                }
                if (isBlank(schema.getDoc())) {
                    undocumented.add(schema.getFullName());
                }
                for (Schema.Field field : schema.getFields()) {
                    if (isBlank(field.doc())) {
                        undocumented.add(schema.getFullName() + "." + field.name());
                    }
                    collectUndocumented(field.schema(), visited, undocumented);
                }
            }
            case ENUM -> {
                if (visited.add(schema.getFullName()) && isBlank(schema.getDoc())) {
                    undocumented.add(schema.getFullName());
                }
            }
            case UNION -> schema.getTypes().forEach(t -> collectUndocumented(t, visited, undocumented));
            case ARRAY -> collectUndocumented(schema.getElementType(), visited, undocumented);
            case MAP -> collectUndocumented(schema.getValueType(), visited, undocumented);
            default -> {
            }
        }
    }

    private static boolean isBlank(String doc) {
        return doc == null || doc.isBlank();
    }
}
