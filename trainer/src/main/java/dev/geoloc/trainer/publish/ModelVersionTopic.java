package dev.geoloc.trainer.publish;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.geoloc.contracts.versions.ModelVersionKey;
import dev.geoloc.contracts.versions.Refusal;
import dev.geoloc.contracts.versions.RolloutState;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;

/**
 * The model-versions topic as the trainer uses it: one model's records folded as processors fold them
 * ({@link RolloutState}, verified with the same keys), and actions sent under their {@link ModelVersionKey}, in the
 * partition of their model name, so that one model's records keep the order they were sent in.
 *
 * <p>Where it verifies without the processors' rollback keys, it cannot tell a processor's automatic rollback (a
 * withdrawal of the canary signed with its rollback key) from a forgery, and folds as if the canary were still in
 * service; it then refuses to send an action that would make that version serve ({@link #act}).
 */
final class ModelVersionTopic {

    private final KafkaSettings kafka;
    private final String topic;
    private final SpecificAvroSerde<ModelVersion> serde;
    private final TopicKeys keys;

    /**
     * @param serde configured for values; its owner closes it
     * @param keys  what processors verify records with; {@link TopicKeys#UNSIGNED} to count every record
     */
    ModelVersionTopic(KafkaSettings kafka, String topic, SpecificAvroSerde<ModelVersion> serde, TopicKeys keys) {
        this.kafka = kafka;
        this.topic = topic;
        this.serde = serde;
        this.keys = keys;
    }

    String name() {
        return topic;
    }

    /**
     * Reads the topic from the beginning to its end ({@link TopicReader}) and folds {@code modelName}'s records.
     *
     * @throws UnknownTopicOrPartitionException if the topic does not exist
     * @throws TimeoutException                 if the topic cannot be read to its end within the settings' timeout
     */
    ModelRollout read(String modelName) {
        Fold fold = new Fold(RolloutState.empty(modelName));
        new TopicReader(kafka).readToEnd(topic, new StringDeserializer(), serde.deserializer(), "Create it first, "
                + "append-only with unlimited retention, as deployment/topics.conf says; publishing does not create it, "
                + "since a broker would make it with default settings, which delete records after a week.", fold::apply);
        return new ModelRollout(fold.state, fold.refusals, keys.verified(), fold.unverifiableWithdrawals);
    }

    /** The fold of one model's records, record by record. */
    private final class Fold {
        RolloutState state;
        final List<Refusal> refusals = new ArrayList<>();
        final Map<Integer, Long> unverifiableWithdrawals = new HashMap<>();

        Fold(RolloutState empty) {
            this.state = empty;
        }

        void apply(ConsumerRecord<String, ModelVersion> record) {
            // Records of other model names, and keys not of this topic's format, are none of this model's business.
            ModelVersionKey.parse(record.key()).filter(key -> key.modelName().equals(state.modelName())).ifPresent(key -> {
                RolloutState before = state;
                RolloutState.Step step = state.apply(key, record.value(), keys.keys());
                state = step.state();
                step.refusal().ifPresent(refusal -> {
                    refusals.add(refusal);
                    if (mayBeAProcessorsRollback(before, record.value(), refusal)) {
                        unverifiableWithdrawals.merge(refusal.version(), refusal.sequence(), Math::max);
                    }
                });
            });
        }
    }

    /**
     * Whether {@code record}, refused on {@code before}, may be what processors with a rollback key act on and this
     * fold cannot verify: a signed withdrawal of the canary in service, refused only for its signature, with a
     * sequence they would act on, read without any rollback key.
     */
    private boolean mayBeAProcessorsRollback(RolloutState before, ModelVersion record, Refusal refusal) {
        return keys.verified() && !keys.rollbacksVerified() && record != null
                && record.getRole() == RolloutRole.WITHDRAWN && record.getSignature() != null
                && refusal.code() == Refusal.Code.SIGNATURE_INVALID
                && before.canary().filter(canary -> canary.version().getVersion() == refusal.version()).isPresent()
                && refusal.sequence() > before.highestActedOn();
    }

    /**
     * Sends {@code action}, the next action on {@code rollout}'s model, if processors reading with this topic's keys
     * would act on it, and waits for every in-sync replica to have it.
     *
     * @throws ActionRefusedException if they would not, or if the action would make serve a version that a withdrawal
     *                                this fold could not verify may have taken out of service: nothing is sent
     */
    SentAction act(ModelRollout rollout, ModelVersion action) throws InterruptedException {
        if (action.getRole() != RolloutRole.WITHDRAWN) {
            rollout.unverifiableWithdrawal(action.getVersion()).ifPresent(sequence -> {
                throw new ActionRefusedException("version " + action.getVersion() + " was withdrawn at sequence "
                        + sequence + " by a signature that " + keys.source() + " does not verify: perhaps a "
                        + "processor's automatic rollback of the canary, signed with its rollback key, after which "
                        + "processors no longer serve it. Pass their geoloc.model.rollback-public-key as "
                        + "--rollback-verify-key to read the topic as they do; a version they took out of service "
                        + "is not made to serve again from here on a guess");
            });
        }
        RolloutState state = rollout.state();
        ModelVersionKey key = new ModelVersionKey(action.getModelName(), action.getVersion());
        RolloutState.Step step = state.apply(key, action, keys.keys());
        if (step.refusal().isPresent()) {
            throw new ActionRefusedException(step.refusal().get(), keys.source());
        }
        RecordMetadata sent = send(key, action);
        return new SentAction(action, topic, sent.partition(), sent.offset(), step.state());
    }

    private RecordMetadata send(ModelVersionKey key, ModelVersion record) throws InterruptedException {
        try (KafkaProducer<String, ModelVersion> producer =
                     new KafkaProducer<>(kafka.producer("geoloc-trainer-publish"), new StringSerializer(), serde.serializer())) {
            int partition = key.partition(producer.partitionsFor(topic).size());
            RecordMetadata sent = producer.send(new ProducerRecord<>(topic, partition, key.toString(), record))
                    .get(kafka.timeout().toMillis(), TimeUnit.MILLISECONDS);
            producer.flush();
            return sent;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KafkaException k ? k
                    : new KafkaException("Could not send version " + record.getVersion() + " to " + topic, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("No acknowledgement for version " + record.getVersion() + " from " + topic
                    + " within " + kafka.timeout(), e);
        }
    }
}
