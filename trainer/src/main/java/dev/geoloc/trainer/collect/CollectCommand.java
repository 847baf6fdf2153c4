package dev.geoloc.trainer.collect;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.geoloc.dataset.SplitPlan;
import dev.geoloc.dataset.SplitRecord;
import dev.geoloc.dataset.Splitter;
import dev.geoloc.regions.Region;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.options.CatalogOption;
import dev.geoloc.trainer.options.SplitOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code geoloc-trainer collect}: builds a Street View dataset for the catalog's regions. */
@Command(name = "collect",
        sortOptions = false,
        description = {
                "Collects Street View images for each region: samples points on a grid inside the region's box, "
                        + "looks each up with the (free) metadata endpoint, accepts a panorama that lies within the "
                        + "region's radius and inside its box and that no region has yet, downloads one (billed) image "
                        + "per heading, and writes manifest.csv with the panoramas' true coordinates and "
                        + "spatially blocked splits (split.json beside it says how it was split).",
                "",
                "Resumable: stop it at any time and run the same command again; no lookup is repeated and no "
                        + "image is downloaded twice.",
                "",
                "The API key comes from the environment variable " + CollectCommand.KEY_VARIABLE + " or from "
                        + "--api-key-file, never from the command line, where shell history and ps would show it.",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:done (a region that ran out of attempts before its samples is reported, not failed)",
                "1:failed: the API denied the key or the request, retries ran out, or a file could not be "
                        + "written; progress is kept, run again to resume",
                "2:wrong usage: bad option, unknown region, no API key"})
public final class CollectCommand implements Callable<Integer> {

    public static final String KEY_VARIABLE = "GOOGLE_MAPS_API_KEY";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Dataset directory: images, manifest.csv and the resume journal.")
    Path out;

    @Mixin
    CatalogOption catalogOption;

    @Option(names = "--regions", split = ",", paramLabel = "ID",
            description = "Collect only these regions, comma-separated (default: all).")
    List<String> regionIds;

    @Option(names = "--samples", paramLabel = "N",
            description = "Panoramas per region, instead of each region's num_samples (for small runs).")
    Integer samples;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "File holding the API key (default: the " + KEY_VARIABLE + " environment variable).")
    Path apiKeyFile;

    @Option(names = "--base-url", paramLabel = "URL", defaultValue = "https://maps.googleapis.com/maps/api/streetview",
            description = "Street View Static API endpoint; metadata is URL/metadata (default: ${DEFAULT-VALUE}).")
    URI baseUrl;

    @Option(names = "--size", paramLabel = "WxH", defaultValue = "640x640", converter = ImageSizeConverter.class,
            description = "Image size, at most 640x640 (default: ${DEFAULT-VALUE}).")
    ImageSize size;

    @Option(names = "--fov", paramLabel = "DEGREES", defaultValue = "90",
            description = "Horizontal field of view, 10 to 120 (default: ${DEFAULT-VALUE}).")
    int fov;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "10",
            description = "Most requests per second, metadata and images together (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--max-retries", paramLabel = "N", defaultValue = "5",
            description = "Retries of a request after HTTP 429/5xx, a timeout, OVER_QUERY_LIMIT or UNKNOWN_ERROR "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxRetries;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Time limit of one request, e.g. 30s or 500ms (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--backoff", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "First wait before a retry; it doubles with each retry, up to a minute, half of it random "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration backoff;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the train/validation/test split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    SplitOptions split;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    private final UnaryOperator<String> environment;

    public CollectCommand() {
        this(System::getenv);
    }

    /** For tests: the environment the API key is read from. */
    CollectCommand(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        RegionCatalog catalog = catalogOption.regions();
        List<Region> regions = regions(catalog);
        SplitPlan plan = split.plan(Splitter.Fractions.DEFAULT);
        StreetViewClient client = new StreetViewClient(settings(), RateLimiter.perSecond(rate), Sleeper.SYSTEM, new Random());
        PrintWriter err = spec.commandLine().getErr();
        StreetViewCollector collector = new StreetViewCollector(client, out,
                new ProgressReporter(err, System::nanoTime, Duration.ofSeconds(5)));
        try {
            CollectionResult result = collector.collect(catalog, regions,
                    samples == null ? OptionalInt.empty() : OptionalInt.of(samples), plan, seed);
            printSummary(spec.commandLine().getOut(), result);
            return 0;
        } catch (IOException | UncheckedIOException e) {
            err.println("collect failed: " + e.getMessage());
            err.println("Progress is kept in " + out.resolve(CollectionJournal.FILE_NAME)
                    + "; run the same command again to resume.");
            err.flush();
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("collect interrupted; run the same command again to resume.");
            err.flush();
            return 1;
        }
    }

    private StreetViewClient.Settings settings() {
        if (samples != null && samples < 1) {
            throw usage("--samples must be at least 1, not " + samples);
        }
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw usage("--rate must be a positive number of requests per second, not " + rate);
        }
        if (maxRetries < 0) {
            throw usage("--max-retries must not be negative");
        }
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
            throw usage("--base-url must be an http or https URL, not " + baseUrl);
        }
        if ("http".equals(baseUrl.getScheme()) && !isLoopback(baseUrl.getHost())) {
            throw usage("--base-url " + baseUrl + " is plain http: the API key would cross the network unencrypted. "
                    + "Use https (plain http is accepted only for a server on this machine, such as a test double).");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw usage("--timeout must be positive, not " + timeout);
        }
        Duration maxBackoff = backoff.compareTo(Duration.ofMinutes(1)) > 0 ? backoff : Duration.ofMinutes(1);
        try {
            return new StreetViewClient.Settings(baseUrl, apiKey(), timeout,
                    new RetryPolicy(maxRetries, backoff, maxBackoff), size, fov);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private static boolean isLoopback(String host) {
        return host != null && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]")
                || host.equals("::1"));
    }

    private String apiKey() {
        String key;
        if (apiKeyFile != null) {
            try {
                key = Files.readString(apiKeyFile).strip();
            } catch (IOException e) {
                throw usage("Cannot read --api-key-file " + apiKeyFile + ": " + e.getMessage());
            }
            if (key.isEmpty() || key.chars().anyMatch(Character::isWhitespace)) {
                throw usage("--api-key-file " + apiKeyFile + " must hold the key alone (it is empty or holds spaces)");
            }
            return key;
        }
        key = environment.apply(KEY_VARIABLE);
        if (key == null || key.isBlank()) {
            throw usage("No API key: set " + KEY_VARIABLE + " or pass --api-key-file FILE");
        }
        return key.strip();
    }

    private List<Region> regions(RegionCatalog catalog) {
        if (regionIds == null || regionIds.isEmpty()) {
            return catalog.regions();
        }
        List<Region> chosen = new ArrayList<>();
        for (String id : regionIds) {
            chosen.add(catalog.byId(id.strip()).orElseThrow(() ->
                    usage("Unknown region '" + id + "'; the " + catalog.city() + " catalog has " + catalog.ids())));
        }
        return chosen;
    }

    private void printSummary(PrintWriter out, CollectionResult result) throws IOException {
        String row = "%-24s %9s %7s %9s %13s %14s %12s %11s %7s %11s%n";
        out.printf(Locale.ROOT, row, "region", "accepted", "target", "attempts", "zero_results", "out_of_radius",
                "outside_box", "duplicates", "images", "downloaded");
        for (RegionReport r : result.regions()) {
            out.printf(Locale.ROOT, row, r.region(), r.accepted(), r.target(), r.attempts() + "/" + r.maxAttempts(),
                    r.zeroResults(), r.outOfRadius(), r.outsideRegion(), r.duplicates(), r.images(), r.downloaded());
        }
        for (RegionReport r : result.regions()) {
            if (r.shortOfTarget()) {
                out.printf(Locale.ROOT, "warning: %s has %d of %d panoramas after %d lookups (max_attempts %d)%n",
                        r.region(), r.accepted(), r.target(), r.attempts(), r.maxAttempts());
            }
        }
        if (result.incompletePanoramas() > 0) {
            out.printf(Locale.ROOT, "%d panoramas of other regions miss images; collect their regions to finish them%n",
                    result.incompletePanoramas());
        }
        out.printf(Locale.ROOT, "manifest: %s (%d images)%n", result.manifest(), result.manifestImages());
        out.printf(Locale.ROOT, "split: %s%n", SplitRecord.read(result.manifest()).map(SplitRecord::describe)
                .orElse("unknown (no " + SplitRecord.FILE_NAME + ")"));
        out.flush();
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    static final class ImageSizeConverter implements CommandLine.ITypeConverter<ImageSize> {
        @Override
        public ImageSize convert(String value) {
            try {
                return ImageSize.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m}, or ISO-8601 ({@code PT30S}). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m)");

        @Override
        public Duration convert(String value) {
            Matcher m = SIMPLE.matcher(value.trim());
            if (m.matches()) {
                long amount = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    default -> Duration.ofMinutes(amount);
                };
            }
            try {
                return Duration.parse(value.trim());
            } catch (java.time.format.DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration like 30s or 500ms");
            }
        }
    }
}
