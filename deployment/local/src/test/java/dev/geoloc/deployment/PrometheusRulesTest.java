package dev.geoloc.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deployment/observability's Prometheus files through Prometheus's own promtool (Debian's, which {@code ./geoloc
 * test} unpacks into .tools/prometheus): the alert rules load, each fires on the series it is written for and only
 * after its {@code for} (alerts.test.yml), and the compose profile's configuration is valid.
 */
class PrometheusRulesTest {

    /** The module runs from deployment/local. */
    private static final Path PROMETHEUS = Path.of("..", "observability", "prometheus").toAbsolutePath().normalize();
    private static final Path PROMTOOL = Path.of("..", "..", ".tools", "prometheus", "usr", "bin", "promtool")
            .toAbsolutePath().normalize();

    private record Result(int exitCode, String output) {
    }

    @Test
    void eachAlertFiresOnItsSeriesAndOnlyThem() throws Exception {
        Result tested = promtool(PROMETHEUS, "test", "rules", "alerts.test.yml");

        assertThat(tested.exitCode()).as(tested.output()).isZero();
        assertThat(tested.output()).contains("SUCCESS");
    }

    @Test
    void aBrokenRuleFailsItsUnitTest(@TempDir Path copy) throws Exception {
        // Given the rules with the dead-letter threshold raised from 5 % to 50 %
        String rules = Files.readString(PROMETHEUS.resolve("alerts.yml"));
        assertThat(rules).contains("> 0.05");
        Files.writeString(copy.resolve("alerts.yml"), rules.replace("> 0.05", "> 0.5"));
        Files.copy(PROMETHEUS.resolve("alerts.test.yml"), copy.resolve("alerts.test.yml"));

        // When the same unit tests run against them
        Result tested = promtool(copy, "test", "rules", "alerts.test.yml");

        // Then the dead-letter test names the alert that did not fire
        assertThat(tested.exitCode()).as(tested.output()).isNotZero();
        assertThat(tested.output()).contains("alertname: GeolocDeadLetterRate");
    }

    @Test
    void theRulesAndTheComposeConfigurationAreValid() throws Exception {
        Result rules = promtool(PROMETHEUS, "check", "rules", "alerts.yml");
        assertThat(rules.exitCode()).as(rules.output()).isZero();
        assertThat(rules.output()).contains("SUCCESS: 6 rules found");

        // Its rule file is where the compose file mounts it, /etc/prometheus: the syntax is what can be checked here
        Result config = promtool(PROMETHEUS, "check", "config", "--syntax-only", "prometheus.yml");
        assertThat(config.exitCode()).as(config.output()).isZero();
    }

    private static Result promtool(Path directory, String... arguments) throws Exception {
        assertThat(PROMTOOL).as("Debian's promtool; ./geoloc test unpacks it into .tools/prometheus").isExecutable();
        List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within a minute");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
