package dev.geoloc.processor.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * Readiness as a gauge, {@code geoloc_ready} (1 ready, 0 not), judged at each scrape: what dashboards count and
 * the "no ready replica" alert sums, without a kube-state-metrics of their own.
 */
@Startup
@ApplicationScoped
public class ReadinessMetric {

    ReadinessMetric(@Readiness ProcessorReadiness readiness, MeterRegistry registry) {
        Gauge.builder("geoloc.ready", readiness,
                        check -> check.call().getStatus() == HealthCheckResponse.Status.UP ? 1 : 0)
                .description("1 while this instance's readiness is UP (/q/health/ready), else 0").register(registry);
    }
}
