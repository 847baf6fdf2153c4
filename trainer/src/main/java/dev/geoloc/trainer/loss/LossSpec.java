package dev.geoloc.trainer.loss;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which loss to train with, and its hyperparameters, as given on the command line:
 *
 * <pre>
 * ce
 * soft[:sigma=KM][,distance=region|photo]                        sigma=3
 * geo-smooth[:epsilon=E][,t=KM][,distance=region|photo]          epsilon=0.1, t=10
 * expected[:lambda=PER_KM][,distance=region|photo]               lambda=0.01
 * ranking[:margin=PER_KM][,reduce=mean|sum]                     margin=0.1, reduce=mean
 * ce+ranking[:margin=PER_KM][,reduce=mean|sum]                  the same hinge, added to cross entropy
 * cells[:per-region=N][,tau=KM][,offset=W]                      per-region=16, tau=0.75, offset=1
 * soft-photo, geo-smooth-photo, expected-photo [:...]            the same as distance=photo
 * </pre>
 *
 * Parameters come in any order, each at most once; {@code distance} defaults to {@code region}, the study's choice.
 * ε and t are the study's defaults; the others are this project's, justified on {@link SoftLabelLoss},
 * {@link ExpectedDistanceLoss} and {@link GeoMarginRankingLoss}. Every component holds a value, the default where
 * the loss does not use it; {@link #toString()} writes back only those the loss uses, in a form {@link #parse} reads.
 *
 * @param kind             which of the study's five losses, or CE plus the ranking hinge
 * @param distanceFrom     where soft, geo-smooth and expected measure distances from; {@link DistanceFrom#REGION}
 *                         for the others
 * @param sigmaKm          soft: the RBF kernel's σ in km, &gt; 0
 * @param epsilon          geo-smooth: the smoothing mass ε, in [0, 1]
 * @param temperatureKm    geo-smooth: the prior's decay length t in km, &gt; 0
 * @param lambdaPerKm      expected: weight λ of the expected distance, per km, &gt;= 0
 * @param marginPerKm      ranking: margin m per km of distance, in logits, &gt;= 0
 * @param reduction        ranking and ce+ranking: how the hinges over j ≠ y combine
 * @param cellsPerRegion   cells: how many cells each region is split into (fewer where it has fewer places), &gt;= 1
 * @param tauKm            cells: the haversine smoothing's decay length τ in km, &gt; 0
 * @param offsetWeight     cells: the weight of the offset regression, &gt;= 0
 */
public record LossSpec(Kind kind, DistanceFrom distanceFrom, double sigmaKm, double epsilon, double temperatureKm,
                       double lambdaPerKm, double marginPerKm, GeoMarginRankingLoss.Reduction reduction,
                       int cellsPerRegion, double tauKm, double offsetWeight) {

    private static final String PHOTO_SUFFIX = "-photo";
    private static final String DISTANCE = "distance";

    /**
     * The study's five losses, with their command-line names, parameters and labels in the study's results table,
     * and CE plus the ranking hinge. {@code ranking} is the study's loss as it states it, "logit(y) &gt; logit(j) +
     * margin(dist(y, j))": the hinge alone. Adding cross entropy is this project's variant, so it has its own name.
     * {@code cells} is not the study's: it trains a head over cells below the regions ({@link CellLoss}).
     */
    public enum Kind {
        CE("ce", "CE"),
        SOFT("soft", "Soft Label", "sigma", DISTANCE),
        GEO_SMOOTH("geo-smooth", "Geo Smooth", "epsilon", "t", DISTANCE),
        EXPECTED("expected", "Exp. Dist.", "lambda", DISTANCE),
        RANKING("ranking", "Ranking", "margin", "reduce"),
        CE_RANKING("ce+ranking", "CE + Ranking", "margin", "reduce"),
        CELLS("cells", "Cells", "per-region", "tau", "offset");

        private final String cliName;
        private final String label;
        private final List<String> parameters;

        Kind(String cliName, String label, String... parameters) {
            this.cliName = cliName;
            this.label = label;
            this.parameters = List.of(parameters);
        }

        public String cliName() {
            return cliName;
        }

        /** The parameters this loss takes, in the order {@link LossSpec#toString()} writes them. */
        public List<String> parameters() {
            return parameters;
        }

        boolean measuresDistance() {
            return parameters.contains(DISTANCE);
        }
    }

    public LossSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(distanceFrom, "distanceFrom");
        Objects.requireNonNull(reduction, "reduction");
        if (distanceFrom == DistanceFrom.PHOTO && !kind.measuresDistance()) {
            throw new IllegalArgumentException(kind.cliName + " has no distance option: only soft, geo-smooth and "
                    + "expected can measure from the photo");
        }
        Hyperparameters.positive("sigma", sigmaKm);
        Hyperparameters.fraction("epsilon", epsilon);
        Hyperparameters.positive("t", temperatureKm);
        Hyperparameters.nonNegative("lambda", lambdaPerKm);
        Hyperparameters.nonNegative("margin", marginPerKm);
        if (cellsPerRegion < 1 || cellsPerRegion > 1000) {
            throw new IllegalArgumentException("per-region " + cellsPerRegion + " is outside [1, 1000]");
        }
        Hyperparameters.positive("tau", tauKm);
        Hyperparameters.nonNegative("offset", offsetWeight);
    }

    /** Whether the loss trains a head over cells below the regions, which the training data must then be split into. */
    public boolean trainsCells() {
        return kind == Kind.CELLS;
    }

    /** The loss with every hyperparameter at its default, distances from the region center. */
    public static LossSpec defaults(Kind kind) {
        return new LossSpec(kind, DistanceFrom.REGION, SoftLabelLoss.DEFAULT_SIGMA_KM,
                GeoLabelSmoothingLoss.DEFAULT_EPSILON, GeoLabelSmoothingLoss.DEFAULT_TEMPERATURE_KM,
                ExpectedDistanceLoss.DEFAULT_LAMBDA_PER_KM, GeoMarginRankingLoss.DEFAULT_MARGIN_PER_KM,
                GeoMarginRankingLoss.DEFAULT_REDUCTION, CellLoss.DEFAULT_PER_REGION, CellLoss.DEFAULT_TAU_KM,
                CellLoss.DEFAULT_OFFSET_WEIGHT);
    }

    /**
     * Reads a loss in the syntax above, e.g. {@code geo-smooth:epsilon=0.1,t=10} or {@code soft-photo:sigma=5}.
     *
     * @throws IllegalArgumentException naming the problem: an unknown loss or parameter, a parameter given twice or
     *                                  without a value, a value that is not a number or out of range
     */
    public static LossSpec parse(String text) {
        String spec = text.strip();
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon).strip();
        boolean photo = name.endsWith(PHOTO_SUFFIX);
        Kind kind = kindNamed(photo ? name.substring(0, name.length() - PHOTO_SUFFIX.length()) : name, name, photo);
        Map<String, String> given = colon < 0 ? Map.of() : parameters(spec.substring(colon + 1), kind, name);
        if (photo && given.containsKey(DISTANCE)) {
            throw new IllegalArgumentException("'" + name + "' already measures from the photo; drop distance="
                    + given.get(DISTANCE) + " or use '" + kind.cliName + "'");
        }
        LossSpec defaults = defaults(kind);
        try {
            return new LossSpec(kind,
                    photo ? DistanceFrom.PHOTO : distanceFrom(given.get(DISTANCE), defaults.distanceFrom),
                    number(given, "sigma", defaults.sigmaKm),
                    number(given, "epsilon", defaults.epsilon),
                    number(given, "t", defaults.temperatureKm),
                    number(given, "lambda", defaults.lambdaPerKm),
                    number(given, "margin", defaults.marginPerKm),
                    reduction(given.get("reduce"), defaults.reduction),
                    wholeNumber(given, "per-region", defaults.cellsPerRegion),
                    number(given, "tau", defaults.tauKm),
                    number(given, "offset", defaults.offsetWeight));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Loss '" + text + "': " + e.getMessage(), e);
        }
    }

    /** The loss's name for logs: the command-line name, with {@code -photo} when it measures from the photo. */
    public String name() {
        return distanceFrom == DistanceFrom.PHOTO ? kind.cliName + PHOTO_SUFFIX : kind.cliName;
    }

    /**
     * The row label of the study's results table: CE, Soft Label, Geo Smooth, Exp. Dist., Ranking or CE + Ranking; the per-photo
     * variants, which the study did not run, add " (photo)".
     */
    public String label() {
        return distanceFrom == DistanceFrom.PHOTO ? kind.label + " (photo)" : kind.label;
    }

    /** The canonical command-line form, with every parameter the loss uses: {@code parse(toString())} equals this. */
    @Override
    public String toString() {
        if (kind.parameters.isEmpty()) {
            return kind.cliName;
        }
        return kind.cliName + ":" + kind.parameters.stream()
                .map(parameter -> parameter + "=" + value(parameter))
                .collect(Collectors.joining(","));
    }

    private String value(String parameter) {
        return switch (parameter) {
            case "sigma" -> plain(sigmaKm);
            case "epsilon" -> plain(epsilon);
            case "t" -> plain(temperatureKm);
            case "lambda" -> plain(lambdaPerKm);
            case "margin" -> plain(marginPerKm);
            case "reduce" -> reduction.name().toLowerCase(Locale.ROOT);
            case "per-region" -> Integer.toString(cellsPerRegion);
            case "tau" -> plain(tauKm);
            case "offset" -> plain(offsetWeight);
            case DISTANCE -> distanceFrom.cliName();
            default -> throw new IllegalStateException("no value for parameter " + parameter);
        };
    }

    /** 10 rather than 10.0, 0.001 rather than 1.0E-3. */
    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static Kind kindNamed(String base, String name, boolean photo) {
        for (Kind kind : Kind.values()) {
            if (kind.cliName.equals(base) && (!photo || kind.measuresDistance())) {
                return kind;
            }
        }
        throw new IllegalArgumentException("Unknown loss '" + name + "'; expected one of "
                + String.join(", ", names()));
    }

    private static List<String> names() {
        return Stream.concat(
                Arrays.stream(Kind.values()).map(Kind::cliName),
                Arrays.stream(Kind.values()).filter(Kind::measuresDistance).map(kind -> kind.cliName + PHOTO_SUFFIX))
                .toList();
    }

    private static Map<String, String> parameters(String text, Kind kind, String name) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String pair : text.split(",", -1)) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair.strip() : pair.substring(0, equals).strip();
            String value = equals < 0 ? "" : pair.substring(equals + 1).strip();
            if (key.isEmpty() || value.isEmpty()) {
                throw new IllegalArgumentException("Loss '" + name + "': '" + pair.strip()
                        + "' is not a parameter=value pair");
            }
            if (kind == Kind.RANKING && key.equals("ce")) {
                throw new IllegalArgumentException("Loss 'ranking' is the study's hinge alone and has no parameter "
                        + "'ce'; the hinge plus cross entropy is the loss 'ce+ranking'");
            }
            if (!kind.parameters.contains(key)) {
                throw new IllegalArgumentException("Loss '" + name + "' has no parameter '" + key + "'; "
                        + (kind.parameters.isEmpty() ? "it takes none"
                                : "it takes " + String.join(", ", kind.parameters)));
            }
            if (given.put(key, value) != null) {
                throw new IllegalArgumentException("Loss '" + name + "': parameter '" + key + "' is given twice");
            }
        }
        return given;
    }

    private static double number(Map<String, String> given, String key, double fallback) {
        String value = given.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + value + " is not a number");
        }
    }

    private static int wholeNumber(Map<String, String> given, String key, int fallback) {
        String value = given.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + value + " is not a whole number");
        }
    }

    private static GeoMarginRankingLoss.Reduction reduction(String value, GeoMarginRankingLoss.Reduction fallback) {
        if (value == null) {
            return fallback;
        }
        return switch (value) {
            case "mean" -> GeoMarginRankingLoss.Reduction.MEAN;
            case "sum" -> GeoMarginRankingLoss.Reduction.SUM;
            default -> throw new IllegalArgumentException("reduce=" + value + " must be mean or sum");
        };
    }

    private static DistanceFrom distanceFrom(String value, DistanceFrom fallback) {
        if (value == null) {
            return fallback;
        }
        for (DistanceFrom from : DistanceFrom.values()) {
            if (from.cliName().equals(value)) {
                return from;
            }
        }
        throw new IllegalArgumentException("distance=" + value + " must be region or photo");
    }
}
