package dev.geoloc.processor.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An Avro record as plain JSON: the schema's field names, unions as their value (not Avro's JSON encoding, which
 * wraps each in its type's name), timestamps as ISO-8601 UTC strings. A reader of the topic and a caller of the API
 * see the same fields under the same names.
 */
final class RecordJson {

    private RecordJson() {
    }

    static JsonObject of(IndexedRecord record) {
        JsonObject json = new JsonObject();
        for (Schema.Field field : record.getSchema().getFields()) {
            json.put(field.name(), value(record.get(field.pos())));
        }
        return json;
    }

    private static Object value(Object value) {
        if (value instanceof IndexedRecord record) {
            return of(record);
        }
        if (value instanceof List<?> list) {
            JsonArray array = new JsonArray();
            list.forEach(item -> array.add(value(item)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            JsonObject object = new JsonObject();
            map.forEach((key, item) -> object.put(String.valueOf(key), value(item)));
            return object;
        }
        if (value instanceof CharSequence || value instanceof Enum<?> || value instanceof Instant) {
            return value.toString();
        }
        return value; // numbers, booleans, null
    }
}
