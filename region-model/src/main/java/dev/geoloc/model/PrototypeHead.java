package dev.geoloc.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * The study's prototype head: logits_j = (normalise(W x) . t_j) / temperature, with the region prototypes
 * t_j fixed (they are not trained) and stored with the head's parameters.
 */
public final class PrototypeHead extends AbstractBlock {

    private static final byte VERSION = 1;

    private final HeadSpec.Prototype spec;
    private final Linear projection;
    private final Parameter prototypes;

    public PrototypeHead(HeadSpec.Prototype spec, int regions) {
        super(VERSION);
        this.spec = spec;
        this.projection = addChildBlock("projection", Linear.builder().setUnits(spec.textDim()).optBias(false).build());
        this.prototypes = addParameter(Parameter.builder()
                .setName("prototypes")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(regions, spec.textDim()))
                .optInitializer(Initializer.ZEROS)
                .optRequiresGrad(false)
                .build());
    }

    /** Sets the region prototypes, one row per region in label order; each row is scaled to unit length. */
    public void setPrototypes(float[][] rows) {
        NDArray array = prototypes.getArray();
        if (rows.length != array.getShape().get(0) || rows[0].length != spec.textDim()) {
            throw new IllegalArgumentException("prototypes must be " + array.getShape() + ", got " + rows.length
                    + " rows of " + rows[0].length);
        }
        float[] flat = new float[rows.length * spec.textDim()];
        for (int i = 0; i < rows.length; i++) {
            double norm = 0;
            for (float v : rows[i]) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                throw new IllegalArgumentException("prototype " + i + " is all zeros");
            }
            for (int k = 0; k < spec.textDim(); k++) {
                flat[i * spec.textDim() + k] = (float) (rows[i][k] / norm);
            }
        }
        array.set(flat);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray projected = projection.forward(store, inputs, training).singletonOrThrow();
        NDArray unit = projected.div(projected.norm(new int[] {1}, true).clip(1e-12f, Float.MAX_VALUE));
        NDArray table = store.getValue(prototypes, unit.getDevice(), training);
        return new NDList(unit.matMul(table.transpose()).div(spec.temperature()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), prototypes.getShape().get(0))};
    }

    @Override
    protected void initializeChildBlocks(ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {
        projection.initialize(manager, dataType, inputShapes);
    }
}
