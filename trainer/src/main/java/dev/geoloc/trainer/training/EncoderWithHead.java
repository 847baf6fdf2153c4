package dev.geoloc.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The trained network: encoder, then head. Unlike a plain sequential block it runs a frozen encoder in
 * inference mode even while training, so its batch-norm statistics stay those it was exported with.
 */
final class EncoderWithHead extends AbstractBlock {

    private final Block encoder;
    private final Block head;
    private final boolean encoderTrains;

    EncoderWithHead(Block encoder, Block head, boolean encoderTrains) {
        this.encoder = addChildBlock("encoder", encoder);
        this.head = addChildBlock("head", head);
        this.encoderTrains = encoderTrains;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList embeddings = encoder.forward(store, inputs, training && encoderTrains);
        if (training && !encoderTrains) {
            // A frozen encoder runs under libtorch's inference mode, whose tensors cannot be saved for the
            // head's backward pass: copy them out of it.
            embeddings = new NDList(embeddings.stream().map(NDArray::duplicate).toArray(NDArray[]::new));
        }
        return head.forward(store, embeddings, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return head.getOutputShapes(encoder.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        head.initialize(manager, dataType, encoder.getOutputShapes(inputShapes));
    }
}
