package dev.geoloc.processor.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Startup;

import dev.geoloc.numerics.SelfCheckReport;
import dev.geoloc.processor.versions.ModelSource;

/**
 * The process's numerics self-check on {@code /q/health/started}: the CPU, the kernel path chosen and why, and the
 * largest difference of the built-in encoders' probes. A process whose check failed does not start
 * ({@code ModelSource}), so a started one shows what it computes on.
 */
@Startup
@ApplicationScoped
public class NumericsStartup implements HealthCheck {

    private final ModelSource source;

    NumericsStartup(ModelSource source) {
        this.source = source;
    }

    @Override
    public HealthCheckResponse call() {
        SelfCheckReport report = source.numerics();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("geoloc-numerics-self-check")
                .status(report.passed())
                .withData("cpu", report.cpu().toString())
                .withData("kernel_choice", report.choice().setting())
                .withData("kernel_path", report.path().describe())
                .withData("largest_difference", String.format(java.util.Locale.ROOT, "%.3g", report.maxDifference()))
                .withData("summary", report.summary());
        if (!report.rejected().isEmpty()) {
            response.withData("left_onednn_because", report.rejected().stream().filter(p -> !p.passed())
                    .map(Object::toString).toList().toString());
        }
        return response.build();
    }
}
