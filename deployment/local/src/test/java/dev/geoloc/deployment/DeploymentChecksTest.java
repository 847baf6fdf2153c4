package dev.geoloc.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * deployment/ checked offline by deployment/check: deployment/k8s as {@code kubectl apply -k} would get it (each
 * kustomization rendered by kustomize, every object against the Kubernetes OpenAPI schemas and strictly against
 * their field names, hardened, its references resolved), and the PromQL of deployment/observability's dashboard
 * and alert rules, the dashboard also against Grafana's schema. The checker's packages come from npm (npm ci).
 */
class DeploymentChecksTest {

    /** The module runs from deployment/local. */
    private static final Path K8S = Path.of("..", "k8s").toAbsolutePath().normalize();
    private static final Path OBSERVABILITY = Path.of("..", "observability").toAbsolutePath().normalize();
    private static final Path CHECK = Path.of("..", "check").toAbsolutePath().normalize();

    private record Result(int exitCode, String output) {
    }

    @BeforeAll
    static void installTheChecker() throws Exception {
        Path installed = CHECK.resolve("node_modules/.package-lock.json");
        if (Files.exists(installed)
                && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(CHECK.resolve("package-lock.json"))) >= 0) {
            return;
        }
        Result install = run(CHECK, List.of("npm", "ci", "--no-audit", "--no-fund"));
        assertThat(install.exitCode()).as("npm ci in %s: %s", CHECK, install.output()).isZero();
    }

    @Test
    void everyKustomizationRendersToValidHardenedObjects() throws Exception {
        // When the checker renders the cpu, gpu and s3 overlays and the trainer's Job
        Result checked = check();

        // Then every object passes, the processor's in each overlay
        assertThat(checked.exitCode()).as(checked.output()).isZero();
        assertThat(checked.output()).contains(
                "ok   overlays/cpu StatefulSet/geoloc-processor",
                "ok   overlays/cpu ScaledObject/geoloc-processor",
                "ok   overlays/cpu NetworkPolicy/geoloc-processor",
                "ok   overlays/cpu ServiceMonitor/geoloc-processor",
                "ok   overlays/cpu PersistentVolumeClaim/geoloc-data",
                "ok   overlays/gpu StatefulSet/geoloc-processor",
                "ok   overlays/s3 StatefulSet/geoloc-processor",
                "ok   overlays/s3 ServiceAccount/geoloc-processor",
                "ok   trainer Job/geoloc-train-la-street",
                "ok   observability grafana/dashboards/geoloc-processor.json",
                "ok   observability prometheus/alerts.yml",
                "in 4 renderings checked, 0 failing");
    }

    @Test
    void anAlertRuleThatDoesNotParseOrSaysNotHowLongIsRefused(@TempDir Path copy) throws Exception {
        // Given alert rules with an unclosed parenthesis and a rule without its "for"
        copyTree(OBSERVABILITY, copy);
        Path rules = copy.resolve("prometheus/alerts.yml");
        Files.writeString(rules, Files.readString(rules)
                .replace("expr: max(geoloc_model_failing) > 0", "expr: max(geoloc_model_failing > 0")
                .replace("expr: max(geoloc_partitions_stalled) > 0\n        for: 5m\n", "expr: max(geoloc_partitions_stalled) > 0\n"));

        // When the checker reads them
        Result checked = run(CHECK, List.of("node", CHECK.resolve("check.mjs").toString(), "--observability", copy.toString()));

        // Then it names both
        assertThat(checked.exitCode()).as(checked.output()).isEqualTo(1);
        assertThat(checked.output())
                .contains("rule GeolocModelFailing: does not parse at character 28: max(geoloc_model_failing > 0 >>>")
                .contains("rule GeolocPartitionStalled: no \"for\" duration")
                .contains("ok   observability grafana/dashboards/geoloc-processor.json");
    }

    @Test
    void aDashboardFieldGrafanaDoesNotKnowIsRefused(@TempDir Path copy) throws Exception {
        // Given the dashboard with a panel's gridPos misspelt, which Grafana would drop without a word
        copyTree(OBSERVABILITY, copy);
        Path dashboard = copy.resolve("grafana/dashboards/geoloc-processor.json");
        Files.writeString(dashboard, Files.readString(dashboard).replaceFirst("\"gridPos\"", "\"gridpos\""));

        // When the checker reads it
        Result checked = run(CHECK, List.of("node", CHECK.resolve("check.mjs").toString(), "--observability", copy.toString()));

        // Then Grafana's own schema names the field, and the rules still pass
        assertThat(checked.exitCode()).as(checked.output()).isEqualTo(1);
        assertThat(checked.output())
                .contains("FAIL observability grafana/dashboards/geoloc-processor.json: schema: Object literal may only "
                        + "specify known properties, and '\"gridpos\"' does not exist")
                .contains("ok   observability prometheus/alerts.yml");
    }

    @Test
    void theGpuOverlayAsksForAGpuAndItsImageAndTheCpuOverlayForNeither() throws Exception {
        String gpu = render(K8S.resolve("overlays/gpu"));
        String cpu = render(K8S.resolve("overlays/cpu"));

        assertThat(gpu).contains("nvidia.com/gpu: \"1\"", "nvidia.com/gpu.present: \"true\"", "key: nvidia.com/gpu",
                "image: geoloc-stream/stream-processor:0.1.0-gpu", "GEOLOC_MODEL_DEVICE: gpu");
        assertThat(cpu).doesNotContain("nvidia.com/gpu").contains("image: geoloc-stream/stream-processor:0.1.0",
                "GEOLOC_MODEL_DEVICE: cpu");
    }

    @Test
    void theS3OverlayNeedsNoModelVolumeAndGivesTheProcessorsAnIdentity() throws Exception {
        String s3 = render(K8S.resolve("overlays/s3"));

        assertThat(s3).contains("serviceAccountName: geoloc-processor", "eks.amazonaws.com/role-arn",
                "GEOLOC_MODEL_S3_REGION", "name: AWS_ACCESS_KEY_ID").doesNotContain("claimName: geoloc-models")
                .doesNotContain("name: geoloc-models");
    }

    /** A patch over the real base, each breaking one promise, and what the checker must say. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a misspelt field | StatefulSet | securityContext: {readOnlyRootFileSystem: true} | strict: Object literal may only specify known properties, and '\"readOnlyRootFileSystem\"' does not exist",
        "a writable root filesystem | StatefulSet | securityContext: {readOnlyRootFilesystem: false} | container processor: readOnlyRootFilesystem is not true",
        "a capability kept | StatefulSet | securityContext: {capabilities: {drop: [NET_RAW]}} | capabilities do not drop ALL",
        "a memory size that is no quantity | StatefulSet | resources: {limits: {memory: 4 gigabytes}} | schema: data/spec/template/spec/containers/0/resources/limits/memory",
        "more replicas than partitions | ScaledObject | maxReplicaCount: 40 | maxReplicaCount 40 exceeds image-events's 12 partitions",
        "cluster rules apart from compose's | PrometheusRule | groups: [{name: geoloc-processor, rules: []}] | its groups differ from deployment/observability/prometheus/alerts.yml",
    })
    void aBrokenOverlayIsRefusedWithItsReason(String what, String kind, String patch, String expected,
                                              @TempDir Path copy) throws Exception {
        // Given an overlay over a copy of the base that breaks one promise
        copyTree(K8S.resolve("base"), copy.resolve("base"));
        Path overlay = Files.createDirectories(copy.resolve("overlays/broken"));
        Files.writeString(overlay.resolve("kustomization.yaml"), "resources:\n  - ../../base\npatches:\n  - path: broken.yaml\n");
        Files.writeString(overlay.resolve("broken.yaml"), switch (kind) {
            case "StatefulSet" -> "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: geoloc-processor}\nspec:\n"
                    + "  template:\n    spec:\n      containers:\n        - name: processor\n          " + patch + "\n";
            case "ScaledObject" -> "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: geoloc-processor}\n"
                    + "spec:\n  " + patch + "\n";
            default -> "apiVersion: monitoring.coreos.com/v1\nkind: " + kind + "\nmetadata: {name: geoloc-processor}\n"
                    + "spec:\n  " + patch + "\n";
        });

        // When the checker renders it
        Result checked = check(overlay.toString());

        // Then it fails, saying why
        assertThat(checked.exitCode()).as(checked.output()).isEqualTo(1);
        assertThat(checked.output()).contains(expected).contains("1 renderings checked");
    }

    private static Result check(String... targets) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", CHECK.resolve("check.mjs").toString()));
        command.addAll(List.of(targets));
        return run(CHECK, command);
    }

    private static String render(Path kustomization) throws Exception {
        Result rendered = run(CHECK, List.of("node", CHECK.resolve("check.mjs").toString(), "--render",
                kustomization.toString()));
        assertThat(rendered.exitCode()).as(rendered.output()).isZero();
        return rendered.output();
    }

    private static Result run(Path directory, List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within 5 minutes");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
