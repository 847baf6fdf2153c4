package dev.geoloc.processor.panorama;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One capture group as the fusing task's store keeps it. A group goes through three phases, each ending at
 * {@link #deadlineMs()}: {@link Phase#OPEN} until it is answered (all views in, or its window closed),
 * {@link Phase#GRACE} while late views still revise the answer, {@link Phase#CLOSED} while it is remembered without
 * its views so that a later view is dropped instead of opening the group again; then it is forgotten.
 *
 * @param firstViewMs   when the task had the group's first view, in its wall-clock time: the window runs from here
 * @param expectedViews the group's size as its first view announced it
 * @param revision      answers emitted so far
 * @param views         the views in, in the order they came (failed ones too: they count as arrived)
 */
record PanoramaState(long firstViewMs, int expectedViews, int revision, Phase phase, long deadlineMs,
                     List<ViewAnswer> views) {

    enum Phase { OPEN, GRACE, CLOSED }

    private static final byte FORMAT = 1;

    PanoramaState {
        views = List.copyOf(views);
    }

    static PanoramaState open(ViewAnswer first, long nowMs, long windowEndMs) {
        return new PanoramaState(nowMs, first.expectedViews(), 0, Phase.OPEN, windowEndMs, List.of(first));
    }

    boolean has(String imageId) {
        return views.stream().anyMatch(view -> view.imageId().equals(imageId));
    }

    boolean complete() {
        return views.size() >= expectedViews;
    }

    /** With this view added, or in place of an earlier answer for the same image (a re-sent event). */
    PanoramaState withView(ViewAnswer view) {
        List<ViewAnswer> next = new ArrayList<>(views);
        next.removeIf(earlier -> earlier.imageId().equals(view.imageId()));
        next.add(view);
        return new PanoramaState(firstViewMs, expectedViews, revision, phase, deadlineMs, next);
    }

    /** In grace until {@code graceEndMs}, with one more answer out when {@code emitted}. */
    PanoramaState inGrace(boolean emitted, long graceEndMs) {
        return new PanoramaState(firstViewMs, expectedViews, emitted ? revision + 1 : revision, Phase.GRACE, graceEndMs,
                views);
    }

    /** Remembered without its views until {@code forgetAtMs}. */
    PanoramaState closed(long forgetAtMs) {
        return new PanoramaState(firstViewMs, expectedViews, revision, Phase.CLOSED, forgetAtMs, List.of());
    }

    static Serde<PanoramaState> serde() {
        return Serdes.serdeFrom((topic, state) -> state == null ? null : state.toBytes(),
                (topic, bytes) -> bytes == null ? null : fromBytes(bytes));
    }

    private byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 160 * views.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(firstViewMs);
            out.writeInt(expectedViews);
            out.writeInt(revision);
            out.writeByte(phase.ordinal());
            out.writeLong(deadlineMs);
            out.writeInt(views.size());
            for (ViewAnswer view : views) {
                view.write(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static PanoramaState fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("panorama-state format " + format + " is unknown to this version");
            }
            long firstViewMs = in.readLong();
            int expectedViews = in.readInt();
            int revision = in.readInt();
            Phase phase = Phase.values()[in.readByte()];
            long deadlineMs = in.readLong();
            int count = in.readInt();
            List<ViewAnswer> views = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                views.add(ViewAnswer.read(in));
            }
            return new PanoramaState(firstViewMs, expectedViews, revision, phase, deadlineMs, views);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
