package dev.geoloc.trainer.zeroshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.geoloc.regions.RegionCatalog;

/** Region prototypes as export_encoder.py writes them for CLIP, with seeded random vectors in place of text embeddings. */
public final class TestPrototypes {

    private TestPrototypes() {
    }

    /** @param encoder the encoder they are for, as the export names it; null to leave it out */
    public static Path write(Path file, RegionCatalog regions, int dimensions, String encoder) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        if (encoder != null) {
            root.put("encoder", encoder);
        }
        root.put("prompt", "a test vector for {name}");
        ObjectNode rows = root.putObject("regions");
        Random random = new Random(5);
        for (String id : regions.ids()) {
            var row = rows.putArray(id);
            for (int k = 0; k < dimensions; k++) {
                row.add(random.nextGaussian());
            }
        }
        return Files.writeString(file, json.writeValueAsString(root));
    }
}
