package dev.geoloc.processor.panorama;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import dev.geoloc.model.RegionPredictor;
import dev.geoloc.panorama.PanoramaFusion;
import dev.geoloc.processor.metrics.PipelineMetrics;
import dev.geoloc.schemas.PanoramaPrediction;
import dev.geoloc.schemas.PanoramaTrigger;

/**
 * One task's panorama fusion: collects the views of each capture group (topic panorama-views, keyed by group id)
 * and answers for the group with their fused probabilities ({@link PanoramaFusion}) once all are in or its window
 * closes, then again for each view that comes within the grace period.
 *
 * <p>No loss, no duplicate: the groups and their deadlines are changelogged stores, written in the transaction that
 * takes the view and in the one that emits the answer, so after a crash the restored stores hold exactly what the
 * committed output implies. Deadlines are kept in a store of their own, ordered by time, so that each check reads
 * only the groups that are due, however many are open.
 */
public final class PanoramaFuser implements Processor<String, byte[], byte[], SpecificRecord> {

    private static final Logger LOG = Logger.getLogger(PanoramaFuser.class);
    /**
     * Groups moved on by one check at most: some 2,000 store writes and answers, well inside a transaction, and,
     * at a check a second, several times the 150 groups a second the docs size the state for.
     */
    public static final int MAX_DUE_PER_CHECK = 1000;

    private final PanoramaSettings settings;
    private final Function<String, Optional<RegionPredictor>> modelsByCatalog;
    private final PipelineMetrics metrics;
    private final String sink;
    private ProcessorContext<byte[], SpecificRecord> context;
    private KeyValueStore<String, PanoramaState> groups;
    private KeyValueStore<Bytes, byte[]> deadlines;

    /**
     * @param modelsByCatalog a loaded model over the catalog with this hash, if one is: the fused probabilities
     *                        become a prediction the way that model makes one
     * @param sink            the name of the node that writes panorama-predictions
     */
    public PanoramaFuser(PanoramaSettings settings, Function<String, Optional<RegionPredictor>> modelsByCatalog,
                         PipelineMetrics metrics, String sink) {
        this.settings = settings;
        this.modelsByCatalog = modelsByCatalog;
        this.metrics = metrics;
        this.sink = sink;
    }

    @Override
    public void init(ProcessorContext<byte[], SpecificRecord> context) {
        this.context = context;
        this.groups = context.getStateStore(PanoramaStores.GROUPS);
        this.deadlines = context.getStateStore(PanoramaStores.DEADLINES);
        context.schedule(settings.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::closeDue);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String groupId = record.key();
        ViewAnswer view;
        try {
            view = ViewAnswer.fromBytes(record.value());
        } catch (RuntimeException e) {
            // Only this processor writes the topic; anything else there is dropped, not allowed to stop the task.
            metrics.panoramaViewDropped("unreadable");
            LOG.warnf("A record on the panorama-views topic (key %s) is not a view this version reads: %s", groupId, e);
            return;
        }
        Optional<String> foreign = foreign(groupId, view);
        if (foreign.isPresent()) {
            metrics.panoramaViewDropped("unreadable");
            LOG.warnf("A record on the panorama-views topic is not a view this processor wrote: %s", foreign.get());
            return;
        }
        long now = context.currentSystemTimeMs();
        PanoramaState group = groups.get(groupId);
        if (group == null) {
            group = PanoramaState.open(view, now, now + settings.window().toMillis());
            deadlines.put(PanoramaStores.deadlineKey(group.deadlineMs(), groupId), new byte[0]);
        } else if (group.phase() == PanoramaState.Phase.CLOSED) {
            metrics.panoramaViewDropped("after-grace");
            return;
        } else if (!group.has(view.imageId()) && group.views().size() >= settings.maxViews()) {
            metrics.panoramaViewDropped("over-max-views");
            return;
        } else {
            // A photo already in the group (a re-sent event, or a retry of one whose prediction failed) replaces
            // its earlier answer: the latest counts.
            PanoramaState before = group;
            group = group.withView(view);
            if (group.phase() == PanoramaState.Phase.GRACE && !sameFusion(fused(before), fused(group))) {
                // Answered again only when what the answer fuses changed, so that each revision says something new.
                group = answer(groupId, group, PanoramaTrigger.LATE_VIEW, now);
            }
        }
        if (group.phase() == PanoramaState.Phase.OPEN && group.complete()) {
            group = answer(groupId, group, PanoramaTrigger.ALL_VIEWS, now);
        }
        groups.put(groupId, group);
    }

    /**
     * Why a view read from the topic cannot be one the geotag step wrote, if it cannot: that step keys each view by
     * its group id and holds ids to the intake limit. Anyone who may write the topic can send anything else, and a
     * key or id beyond the limit would go on into the stores' changelogs.
     */
    private Optional<String> foreign(String key, ViewAnswer view) {
        if (key == null || !key.equals(view.groupId())) {
            return Optional.of("its key is not its group id");
        }
        long longest = Math.max(key.getBytes(StandardCharsets.UTF_8).length,
                view.imageId().getBytes(StandardCharsets.UTF_8).length);
        return longest > settings.maxIdBytes() ? Optional.of("an id of " + longest + " bytes, over "
                + settings.maxIdBytes() + " (geoloc.intake.max-image-id-bytes)") : Optional.empty();
    }

    /**
     * The views a group's answer fuses: those predicted, over the catalog of the latest of them. Views over another
     * catalog (a model with other regions took over mid-group) cannot be averaged with it; the latest is what the
     * group is answered in.
     */
    private static List<ViewAnswer> fused(PanoramaState group) {
        List<ViewAnswer> predicted = group.views().stream().filter(ViewAnswer::predicted).toList();
        if (predicted.isEmpty()) {
            return predicted;
        }
        String catalog = predicted.get(predicted.size() - 1).catalogHash();
        return predicted.stream().filter(view -> view.catalogHash().equals(catalog)).toList();
    }

    /**
     * Whether two sets of fused views give the same answer: the same photos, each with the same probabilities over
     * the same catalog, in any order (a photo sent again moves to the end of the group's views).
     */
    private static boolean sameFusion(List<ViewAnswer> a, List<ViewAnswer> b) {
        if (a.size() != b.size()) {
            return false;
        }
        Map<String, ViewAnswer> byImage = new HashMap<>();
        a.forEach(view -> byImage.put(view.imageId(), view));
        return b.stream().allMatch(y -> {
            ViewAnswer x = byImage.get(y.imageId());
            return x != null && x.catalogHash().equals(y.catalogHash())
                    && Arrays.equals(x.probabilities(), y.probabilities());
        });
    }

    /**
     * Moves the groups whose deadline has passed on to their next phase, the earliest first, at most
     * {@link #MAX_DUE_PER_CHECK} of them: after an outage, every group opened or closed during it comes due at once,
     * and all of them in one transaction could outlast its timeout, abort, and come due again. The rest wait for the
     * next check, a check interval later.
     */
    private void closeDue(long now) {
        List<Bytes> due = new ArrayList<>();
        // Keys are the deadline's 8 bytes then the group id: every key below the next millisecond is due.
        try (KeyValueIterator<Bytes, byte[]> entries = deadlines.range(PanoramaStores.deadlineKey(0, ""),
                PanoramaStores.deadlineKey(now + 1, ""))) {
            while (entries.hasNext() && due.size() < MAX_DUE_PER_CHECK) {
                due.add(entries.next().key);
            }
        }
        for (Bytes key : due) {
            deadlines.delete(key);
            String groupId = PanoramaStores.groupOf(key);
            PanoramaState group = groups.get(groupId);
            if (group == null) {
                continue;
            }
            switch (group.phase()) {
                case OPEN -> groups.put(groupId, answer(groupId, group, PanoramaTrigger.WINDOW_CLOSED, now));
                case GRACE -> {
                    long forgetAt = group.deadlineMs() + settings.retention().toMillis();
                    groups.put(groupId, group.closed(forgetAt));
                    deadlines.put(PanoramaStores.deadlineKey(forgetAt, groupId), new byte[0]);
                }
                case CLOSED -> groups.delete(groupId);
            }
        }
    }

    /** Emits the group's fused answer, when it has views to fuse and a model to read them, and starts its grace. */
    private PanoramaState answer(String groupId, PanoramaState group, PanoramaTrigger trigger, long now) {
        long graceEnd = group.firstViewMs() + settings.window().toMillis() + settings.grace().toMillis();
        if (group.phase() == PanoramaState.Phase.OPEN) {
            deadlines.delete(PanoramaStores.deadlineKey(group.deadlineMs(), groupId));
            deadlines.put(PanoramaStores.deadlineKey(graceEnd, groupId), new byte[0]);
        }
        boolean emitted = emit(groupId, group, trigger, now);
        return group.inGrace(emitted, graceEnd);
    }

    private boolean emit(String groupId, PanoramaState group, PanoramaTrigger trigger, long now) {
        List<ViewAnswer> fused = fused(group);
        if (fused.isEmpty()) {
            metrics.panoramaUnanswered("no-view-predicted");
            return false;
        }
        String catalog = fused.get(0).catalogHash();
        Optional<RegionPredictor> model = modelsByCatalog.apply(catalog);
        if (model.isEmpty()) {
            metrics.panoramaUnanswered("catalog-not-loaded");
            LOG.warnf("Panorama %s cannot be answered: no loaded model has the regions (catalog %s) its views were "
                    + "predicted over", groupId, catalog);
            return false;
        }
        PanoramaPrediction answer;
        try {
            answer = PanoramaRecords.of(groupId, group, trigger, fused,
                    PanoramaFusion.fuse(fused.stream().map(ViewAnswer::probabilities).toList()), model.get(),
                    Instant.ofEpochMilli(now));
        } catch (RuntimeException e) {
            metrics.panoramaUnanswered("unwritable");
            LOG.warnf(e, "Panorama %s could not be answered", groupId);
            return false;
        }
        context.forward(new Record<>(groupId.getBytes(StandardCharsets.UTF_8), (SpecificRecord) answer, now), sink);
        metrics.panoramaAnswered(trigger.name());
        return true;
    }
}
