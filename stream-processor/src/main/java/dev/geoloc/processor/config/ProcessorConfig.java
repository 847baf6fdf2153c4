package dev.geoloc.processor.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import dev.geoloc.contracts.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Every setting of the processor that is not Kafka Streams' own (those stay under {@code kafka-streams.*} and
 * {@code quarkus.kafka-streams.*}). The module's README lists them with their defaults.
 */
@ConfigMapping(prefix = "geoloc")
public interface ProcessorConfig {

    Serde serde();

    TopicNames topics();

    Batching batching();

    Model model();

    Images images();

    UriFetching uri();

    DeadLetters deadLetters();

    Intake intake();

    Watchdog watchdog();

    Admin admin();

    Api api();

    Rollout rollout();

    Panorama panorama();

    /**
     * How this process picks libtorch's CPU kernels before it loads a model: {@code auto} checks oneDNN against the
     * built-in encoders' probes and leaves it for ATen's own kernels where it computes wrong; {@code onednn} and
     * {@code native} force a path, still checked. Also read by the test JVMs as GEOLOC_CPU_KERNELS. See docs/numerics.md.
     */
    @WithDefault("auto")
    String cpuKernels();

    /** How Avro values are (de)serialized and where the schema registry is. */
    interface Serde {

        /**
         * The Serde class for Avro values: this project's {@code dev.geoloc.registry.serde.SpecificAvroSerde}, or
         * Confluent's {@code io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde} when its jars are on the
         * classpath; both read the same settings.
         */
        @WithDefault("dev.geoloc.registry.serde.SpecificAvroSerde")
        String avroSerde();

        /** The registry's Confluent-compatible base URL ({@code schema.registry.url}). */
        String schemaRegistryUrl();

        /** Register writer schemas on first use ({@code auto.register.schemas}). */
        @WithDefault("true")
        boolean autoRegisterSchemas();

        /**
         * Further serde and registry settings under Confluent's keys, passed through unchanged, e.g.
         * {@code geoloc.serde.config."basic.auth.credentials.source"=USER_INFO}.
         */
        Map<String, String> config();
    }

    interface TopicNames {
        @WithDefault(Topics.IMAGE_EVENTS)
        String imageEvents();

        @WithDefault(Topics.REGION_PREDICTIONS)
        String predictions();

        @WithDefault(Topics.DEAD_LETTERS)
        String deadLetters();

        /** Where a shadow version's predictions go: never read downstream, so that nothing changes for consumers. */
        @WithDefault(Topics.SHADOW_PREDICTIONS)
        String shadowPredictions();

        @WithDefault(Topics.MODEL_VERSIONS)
        String modelVersions();

        @WithDefault(Topics.MODEL_STATUS)
        String modelStatus();

        /** The processor's own: each panorama view's answer, re-keyed by its group so that one task fuses a group. */
        @WithDefault(Topics.PANORAMA_VIEWS)
        String panoramaViews();

        @WithDefault(Topics.PANORAMA_PREDICTIONS)
        String panoramaPredictions();
    }

    /** Dynamic batching, as model servers do it: a batch runs when full or when its oldest image waited max-delay. */
    interface Batching {
        /** Most images in one inference batch. */
        @WithDefault("32")
        int maxSize();

        /** Longest an image waits for its batch to fill before the batch runs anyway. */
        @WithDefault("20ms")
        Duration maxDelay();

        /**
         * Images waiting for inference across all stream threads; a decode thread that finds the queue full
         * waits, and with it, once the in-flight budget is spent, consumption, instead of buffering without bound.
         */
        @WithDefault("128")
        int queueCapacity();

        /**
         * Bytes that images taken and not yet answered may hold, across all stream threads (each costs twice its
         * record's size plus 1 MiB): the bound on in-flight memory that an image count cannot give, since an
         * image may be 10 KB or 10 MiB. A stream thread that finds it spent waits, as for a full queue.
         */
        @WithDefault("268435456")
        long maxInFlightBytes();

        /** How often a stream thread hands finished predictions on, when no new record wakes it. */
        @WithDefault("2ms")
        Duration resultPollInterval();
    }

    /**
     * The model served: the versions published for {@link #name()} on the model-versions topic, or, when
     * {@link #bundle()} is set, that one bundle as it is.
     */
    interface Model {
        /** A model bundle (directory or zip) to serve instead of following published versions. */
        Optional<Path> bundle();

        /** Model line to follow; with a fixed bundle, the name its predictions carry (default: the bundle's). */
        Optional<String> name();

        /** With a fixed bundle, the version its predictions carry. */
        @WithDefault("0")
        int version();

        /** Serve this published version instead of the latest one; the admin endpoint can change it at run time. */
        Optional<Integer> pinnedVersion();

        /**
         * The region catalog hash this deployment serves; versions trained on another catalog are rejected.
         * Default: the catalog of the first model served.
         */
        Optional<String> catalogHash();

        /** How long start-up waits for a first version to load before the processor gives up. */
        @WithDefault("10m")
        Duration startupTimeout();

        /**
         * Ed25519 public keys (X.509 PEM files, comma-separated) of whoever may take rollout actions: only records
         * signed by one of their private keys are acted on ({@code trainer publish --signing-key}). Two during a key
         * rotation: the old and the new, until every record still in force is signed by the new one.
         */
        Optional<List<Path>> signaturePublicKey();

        /**
         * Public keys that may sign withdrawals only: the halves of processors' {@code geoloc.rollout.rollback-signing-key},
         * so that a processor can stop a failing canary for the whole fleet, but never make a version serve.
         */
        Optional<List<Path>> rollbackPublicKey();

        /**
         * Follow published versions without {@link #signaturePublicKey()}: anyone who can write to model-versions
         * then decides what serves. Off by default, so that a deployment is never unsigned by omission; the local
         * demo turns it on.
         */
        @WithDefault("false")
        boolean allowUnsigned();

        /** Where artifacts are copied while a version loads, {@code file://} ones too: what loads is the private copy that was hashed. */
        Optional<Path> artifactDirectory();

        /** Largest artifact fetched, from any store: one declared or counted larger is refused for good ({@code ARTIFACT_TOO_LARGE}). */
        @WithDefault("4294967296")
        long maxArtifactBytes();

        /** Longest fetching an artifact may take, {@code file://} ones too: a stalled one is cut off and tried again later. */
        @WithDefault("10m")
        Duration downloadTimeout();

        /** How {@code s3://} artifacts are fetched; credentials come from the AWS SDK's default chain. */
        S3 s3();

        interface S3 {
            /** An S3-compatible server's URL (MinIO, Ceph, S3Proxy, ...); unset for AWS S3. */
            Optional<java.net.URI> endpoint();

            /** The signing region; unset for the SDK's chain (AWS_REGION, the profile, the instance's). */
            Optional<String> region();

            /** Address buckets as {@code http://host/bucket}, as most S3-compatible servers need. */
            @WithDefault("false")
            boolean pathStyle();
        }

        /** {@code auto} (a GPU when there is one), {@code cpu}, {@code gpu} or {@code gpu:N}. */
        @WithDefault("auto")
        String device();

        /** Regions listed in each prediction's top_regions. */
        @WithDefault("3")
        int topK();

        /** Probability mass the confidence radius covers. */
        @WithDefault("0.9")
        double confidenceLevel();
    }

    /** What an image may declare before it is decoded (decompression bombs are refused by their header). */
    interface Images {
        @WithDefault("10485760")
        long maxBytes();

        @WithDefault("50000000")
        long maxPixels();

        @WithDefault("16384")
        int maxSide();

        /**
         * Longest one image's decode may take, from when it starts, before its image is a DECODE_TOO_COSTLY dead
         * letter and the decode runs on as a runaway (liveness counts them).
         */
        @WithDefault("5s")
        Duration decodeTimeout();

        /**
         * Images decoded at once, on a pool of their own that every stream thread and the API share; by default
         * the cores the JVM sees. Decoding is most of the CPU a small model leaves; see docs/performance.md.
         */
        OptionalInt decodeThreads();

        /**
         * Decode TIFF images. Off by default: the libtiff inside OpenCV 4.9 (4.2.0, 2020) has published crash bugs;
         * tile and strip sizes are checked before decoding either way.
         */
        @WithDefault("false")
        boolean acceptTiff();
    }

    /** Fetching images that events give by URI. Off unless enabled; see the README on what it refuses. */
    interface UriFetching {
        @WithDefault("false")
        boolean enabled();

        @WithDefault("https")
        List<String> allowedSchemes();

        /** Host names, or {@code *.example.com} suffixes; empty allows any host whose addresses pass. */
        Optional<List<String>> allowedHosts();

        /** CIDR blocks allowed although private, loopback or link-local, e.g. an internal CDN. */
        Optional<List<String>> allowedNetworks();

        @WithDefault("10485760")
        long maxBytes();

        @WithDefault("2s")
        Duration connectTimeout();

        @WithDefault("5s")
        Duration totalTimeout();

        @WithDefault("3")
        int maxRedirects();

        /** Fetches under way at once, on threads of their own, never a stream thread's. */
        @WithDefault("16")
        int maxConcurrentFetches();

        /**
         * Fetches under way at once to one host, so that one hanging host cannot take every fetch thread; a fetch
         * that cannot start within total-timeout is URI_UNREACHABLE.
         */
        @WithDefault("4")
        int maxFetchesPerHost();
    }

    /**
     * What a record may carry besides its image. Each answer copies the key and image_id, so these bound every
     * output record (docs/stream-processor.md adds it up against the topics' limits); beyond them a record gets a
     * dead letter (OVERSIZED_KEY, OVERSIZED_FIELD) instead of an answer its topic would refuse.
     */
    interface Intake {
        /** Longest record key; a longer one is replaced by its SHA-256 in the dead letter. */
        @WithDefault("4096")
        int maxKeyBytes();

        /** Longest image_id, in UTF-8 bytes. */
        @WithDefault("1024")
        int maxImageIdBytes();

        /**
         * Most source_platform and metadata, as the UTF-8 bytes of the platform and the map's keys and values
         * together: each prediction copies them.
         */
        @WithDefault("65536")
        int maxMetadataBytes();
    }

    /**
     * Watches that each input partition this instance holds makes progress: one whose committed offset has not
     * moved for {@link #stallAfter()} while records wait behind it shows on {@code geoloc_partitions_stalled} and
     * in the health data, and makes the instance not ready.
     */
    interface Watchdog {
        @WithDefault("5s")
        Duration checkInterval();

        @WithDefault("60s")
        Duration stallAfter();

        /**
         * How long a rebalance may last, once this instance has run, before it counts as not ready: the group's
         * members rebalance together, and keep serving the partitions they keep meanwhile (StreamsStateClock).
         */
        @WithDefault("60s")
        Duration rebalanceGrace();
    }

    interface DeadLetters {
        /**
         * Largest payload copied into a dead letter; a larger one is left out (the reason says so) and stays
         * readable at its source topic, partition and offset.
         */
        @WithDefault("8388608")
        int maxPayloadBytes();
    }

    /**
     * How the views of a capture group (ImageEvent.capture_group) are fused into one PanoramaPrediction, in the
     * processor's time: a group is answered when all its views are predicted or {@link #window()} after its first
     * was; views that come within {@link #grace()} after that revise the answer; the group is then remembered,
     * without its views, for {@link #retention()}, so that a view later still is dropped and counted rather than
     * starting the group again. State is bounded by the group rate times window + grace (views) and times
     * retention (about 100 bytes a group). docs/panoramas.md explains the choices.
     */
    interface Panorama {
        @WithDefault("30s")
        Duration window();

        @WithDefault("60s")
        Duration grace();

        @WithDefault("1h")
        Duration retention();

        /** The largest CaptureGroup.size accepted; an event announcing more is a dead letter. */
        @WithDefault("16")
        int maxViews();

        /** How often a task looks for windows that have closed: the most an answer comes late. */
        @WithDefault("1s")
        Duration checkInterval();
    }

    /**
     * When a canary is rolled back automatically: once both it and the stable version have answered
     * {@link #minLabelled()} labelled images, if its mean error is worse than stable's by more than
     * {@link #maxErrorIncreaseKm()} (with 95 % confidence, one-sided), or once both have taken {@link #minEvents()}
     * images, if its dead-letter rate is worse by more than {@link #maxDeadLetterIncrease()}.
     */
    interface Rollout {
        @WithDefault("100")
        int minLabelled();

        @WithDefault("0.5")
        double maxErrorIncreaseKm();

        @WithDefault("200")
        int minEvents();

        @WithDefault("0.05")
        double maxDeadLetterIncrease();

        /**
         * An Ed25519 private key (PKCS#8 PEM) to sign the withdrawal of a canary this instance rolls back, so that
         * every instance stops routing to it; its public half goes in {@code geoloc.model.rollback-public-key}.
         * Without one, this instance stops routing to the canary on its own and reports it.
         */
        Optional<Path> rollbackSigningKey();
    }

    /** The admin endpoint ({@code /admin/model}). */
    /**
     * The synchronous geotag API, {@code POST /v1/geotag} on the HTTP port (docs/api.md): one image per request,
     * answered within it through the stream's batcher and model.
     */
    interface Api {
        /** Off, the route is not registered (the HTTP port then serves nothing of this project's). */
        @WithDefault("true")
        boolean enabled();

        /**
         * A bearer token every request must present ({@code Authorization: Bearer <token>}), e.g. from a Secret
         * through {@code GEOLOC_API_TOKEN}. Without one the API is open to whoever reaches the port.
         */
        Optional<String> token();

        /** The largest request body, in bytes: an image sent as the body, or the JSON naming one by URI (413 over it). */
        @WithDefault("10485760")
        int maxRequestBytes();

        /** Requests being answered at once; one more is refused at once with 429 and Retry-After. */
        @WithDefault("64")
        int maxConcurrent();

        /**
         * How long a request waits for its prediction before it is answered 503 with Retry-After: while the model
         * fails on every image the batcher retries, and a caller should not wait on that.
         */
        @WithDefault("30s")
        Duration timeout();

        /**
         * How long a request's body may take to arrive once its place is taken (408 past it): a body that trickles
         * in would otherwise hold one of the max-concurrent places for as long as it kept coming.
         */
        @WithDefault("10s")
        Duration bodyTimeout();
    }

    interface Admin {
        /**
         * A bearer token that pinning and unpinning require ({@code Authorization: Bearer <token>}), e.g. from a
         * Secret through {@code GEOLOC_ADMIN_TOKEN}. Without one, pinning is off (403). Reading needs no token.
         */
        Optional<String> token();
    }
}
