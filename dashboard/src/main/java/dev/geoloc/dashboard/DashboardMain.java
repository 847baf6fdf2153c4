package dev.geoloc.dashboard;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.geoloc.regions.RegionCatalog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the dashboard until stopped, and prints its URL on a line of its own. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = "A live map of the predictions, dead letters and model versions, in the browser.")
public final class DashboardMain implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", defaultValue = "${env:GEOLOC_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url",
            defaultValue = "${env:GEOLOC_SCHEMA_REGISTRY_URL:-http://127.0.0.1:8081/apis/ccompat/v7}",
            description = "The registry's Confluent-compatible API (default: ${DEFAULT-VALUE}).")
    String registryUrl;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to serve on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8090", description = "Port to serve on, 0 for a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--group", defaultValue = "geoloc-dashboard",
            description = "Its consumer group: one per dashboard (default: ${DEFAULT-VALUE}).")
    String group;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DashboardMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        DashboardServer dashboard = DashboardServer.start(bootstrapServers, registryUrl, group, RegionCatalog.losAngeles(),
                host, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dashboard.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped.countDown();
        }));
        System.out.println("dashboard " + dashboard.url());
        stopped.await();
        return 0;
    }
}
