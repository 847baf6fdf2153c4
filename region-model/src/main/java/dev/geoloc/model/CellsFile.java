package dev.geoloc.model;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.geoloc.cells.Cell;
import dev.geoloc.cells.CellPartition;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.RegionCatalog;

/**
 * {@code cells.json}, the optional file of a bundle whose head classifies cells below the regions: the
 * {@link CellPartition} its head's outputs are read by.
 *
 * <pre>{"format": "geoloc-cells/1", "source": "k-means of the train split's photo coordinates, 16 per region",
 *  "cells": [{"region": "downtown_la", "latitude": 34.047, "longitude": -118.249, "bound_km": 0.31}, ...]}</pre>
 *
 * Cells are listed by region in the catalog's order, every region with at least one.
 */
public final class CellsFile {

    public static final String NAME = "cells.json";
    public static final String FORMAT = "geoloc-cells/1";
    /** {@link CellPartition#MAX_CELLS} cells take about 400 KB. */
    public static final long MAX_BYTES = 1 << 20;

    private CellsFile() {
    }

    /** The partition and how it was made, as a bundle holds them. */
    public record Contents(CellPartition partition, String source) {
    }

    static String toJson(Contents contents, RegionCatalog catalog) {
        ObjectNode root = Json.MAPPER.createObjectNode().put("format", FORMAT).put("source", contents.source());
        ArrayNode cells = root.putArray("cells");
        for (Cell cell : contents.partition().cells()) {
            cells.addObject().put("region", catalog.region(cell.region()).id())
                    .put("latitude", cell.centre().latitude()).put("longitude", cell.centre().longitude())
                    .put("bound_km", cell.boundKm());
        }
        try {
            return Json.MAPPER.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("numbers and strings always make JSON", e);
        }
    }

    /**
     * Reads {@code cells.json} for a bundle of {@code catalog}'s regions; every problem is added to {@code problems}
     * (prefixed with the file's name) and null returned.
     */
    static Contents parse(byte[] bytes, RegionCatalog catalog, List<String> problems) {
        return Json.file(NAME, FORMAT, bytes, problems, (root, json) -> read(root, catalog, json));
    }

    private static Contents read(JsonNode root, RegionCatalog catalog, Json json) {
        String source = json.text(root.get("source"), "source");
        JsonNode array = root.get("cells");
        List<Cell> cells = new ArrayList<>();
        if (array == null || !array.isArray()) {
            json.problems().add("cells: missing (an array of region, latitude, longitude, bound_km)");
        } else if (array.size() > CellPartition.MAX_CELLS) {
            json.problems().add("cells: " + array.size() + " cells, more than " + CellPartition.MAX_CELLS);
        } else {
            for (int k = 0; k < array.size(); k++) {
                Cell cell = cell(array.get(k), "cells[" + k + "]", catalog, json);
                if (cell != null) {
                    cells.add(cell);
                }
            }
        }
        if (!json.problems().isEmpty()) {
            return null;
        }
        try {
            return new Contents(new CellPartition(cells, catalog.size()), source);
        } catch (IllegalArgumentException e) {
            json.problems().add(e.getMessage());
            return null;
        }
    }

    private static Cell cell(JsonNode node, String path, RegionCatalog catalog, Json json) {
        String region = json.text(node.get("region"), path + ".region");
        Double latitude = json.number(node.get("latitude"), path + ".latitude");
        Double longitude = json.number(node.get("longitude"), path + ".longitude");
        Double bound = json.number(node.get("bound_km"), path + ".bound_km");
        if (region == null || latitude == null || longitude == null || bound == null) {
            return null;
        }
        int index = catalog.ids().indexOf(region);
        if (index < 0) {
            json.problems().add(path + ".region: '" + region + "' is not a region of the bundle's catalog");
            return null;
        }
        try {
            return new Cell(index, new LatLon(latitude, longitude), bound);
        } catch (IllegalArgumentException e) {
            json.problems().add(path + ": " + e.getMessage());
            return null;
        }
    }
}
