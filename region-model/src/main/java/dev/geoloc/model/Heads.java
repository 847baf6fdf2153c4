package dev.geoloc.model;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;

/** Builds the DJL block of a head; the trainer trains it, bundles carry its parameters. */
public final class Heads {

    private Heads() {
    }

    public static Block build(HeadSpec spec, int regions) {
        if (spec instanceof HeadSpec.Classifier c) {
            return new SequentialBlock()
                    .add(Linear.builder().setUnits(c.hiddenDim()).build())
                    .add(Activation.reluBlock())
                    .add(Dropout.builder().optRate(c.dropout()).build())
                    .add(Linear.builder().setUnits(regions).build());
        }
        return new PrototypeHead((HeadSpec.Prototype) spec, regions);
    }
}
