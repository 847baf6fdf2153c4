package dev.geoloc.processor.api;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.geoloc.processor.auth.BearerToken;
import dev.geoloc.processor.config.ProcessorConfig;
import dev.geoloc.processor.metrics.PipelineMetrics;
import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.RegionPrediction;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * {@code POST /v1/geotag} on the HTTP port (the management port keeps health, metrics and admin): one image in,
 * its {@link RegionPrediction} out as JSON, within the request ({@link GeotagRequests} for the two forms). The token,
 * when one is set, is checked before the body is read; the body is read up to {@code geoloc.api.max-request-bytes}.
 * The contract is in {@code META-INF/openapi.yaml}, served at {@code /q/openapi}.
 */
@ApplicationScoped
public class GeotagRoutes {

    public static final String PATH = "/v1/geotag";

    /** When the request came, in the routing context: its metric's time runs from there. */
    private static final String STARTED = "geoloc.api.started";
    /** The request's place among those answered at once ({@link Geotagger#admit()}), in the routing context. */
    private static final String ADMISSION = "geoloc.api.admission";
    /** The timer that answers 408 if the body has not all come within geoloc.api.body-timeout. */
    private static final String BODY_DEADLINE = "geoloc.api.body-deadline";

    void routes(@Observes Router router, Geotagger geotagger, ProcessorConfig config, PipelineMetrics metrics) {
        ProcessorConfig.Api api = config.api();
        if (!api.enabled()) {
            return;
        }
        Optional<BearerToken> token = BearerToken.of(api.token());
        // The token is checked, and a place among the requests answered at once taken, before the body is read: a
        // caller without the token cannot have 10 MiB read, and no more bodies are held than requests answered
        // (geoloc.api.max-concurrent). Vert.x runs only platform handlers before a body handler.
        PlatformHandler access = ctx -> {
            ctx.put(STARTED, System.nanoTime());
            if (token.isPresent() && !token.get().presentedIn(ctx.request().getHeader("Authorization"))) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
                refuse(ctx, new ApiRefusal(401, ApiRefusal.UNAUTHORIZED, "This API needs its token: "
                        + "Authorization: Bearer <geoloc.api.token>", Optional.empty()), metrics);
                return;
            }
            Optional<Geotagger.Admission> admission = geotagger.admit();
            if (admission.isEmpty()) {
                refuse(ctx, geotagger.busy(), metrics);
                return;
            }
            Geotagger.Admission place = admission.get();
            ctx.put(ADMISSION, place);
            long bodyDeadline = ctx.vertx().setTimer(api.bodyTimeout().toMillis(), fired -> {
                refuse(ctx, new ApiRefusal(408, ApiRefusal.REQUEST_TIMEOUT, "The request's body did not arrive "
                        + "within " + api.bodyTimeout() + " (geoloc.api.body-timeout)", Optional.empty()), metrics);
                ctx.request().connection().close();
            });
            ctx.put(BODY_DEADLINE, bodyDeadline);
            // Ended or its connection closed: a request not yet handed to the geotagger gives its place back.
            ctx.addEndHandler(ended -> {
                ctx.vertx().cancelTimer(bodyDeadline);
                place.abandon();
            });
            ctx.next();
        };
        router.post(PATH)
                .handler(access)
                .handler(BodyHandler.create(false).setBodyLimit(api.maxRequestBytes()))
                .handler(ctx -> answer(ctx, geotagger, metrics))
                .failureHandler(ctx -> refuse(ctx, ctx.statusCode() == 413
                        ? ApiRefusal.badInput(DeadLetterCode.PAYLOAD_TOO_LARGE, "The request body is over "
                                + api.maxRequestBytes() + " bytes (geoloc.api.max-request-bytes)")
                        : ApiRefusal.badInput(DeadLetterCode.UNKNOWN, "The request failed: " + ctx.failure()), metrics));
    }

    private static void answer(RoutingContext ctx, Geotagger geotagger, PipelineMetrics metrics) {
        ctx.vertx().cancelTimer(ctx.<Long>get(BODY_DEADLINE));
        Buffer body = ctx.body().buffer();
        String contentType = ctx.request().getHeader("Content-Type");
        Map<String, String> query = query(ctx);
        Geotagger.Admission admission = ctx.get(ADMISSION);
        // Parsing (a JSON body may be megabytes) and decoding block: a worker thread parses, checks, decodes and
        // queues, never the event loop; the answer then comes from the batch.
        ctx.vertx().executeBlocking(() -> geotagger.geotag(admission,
                        GeotagRequests.of(contentType, body == null ? Buffer.buffer() : body, query)), false)
                .compose(answer -> Future.fromCompletionStage(answer, ctx.vertx().getOrCreateContext()))
                .onComplete(done -> {
                    if (done.succeeded()) {
                        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                                .end(RecordJson.of(done.result()).encode());
                        metrics.apiRequest(200, "OK", took(ctx));
                    } else {
                        refuse(ctx, Geotagger.refusalOf(done.cause()).refusal(), metrics);
                    }
                });
    }

    private static Map<String, String> query(RoutingContext ctx) {
        Map<String, String> query = new HashMap<>();
        ctx.queryParams().forEach(entry -> query.putIfAbsent(entry.getKey(), entry.getValue()));
        return query;
    }

    private static void refuse(RoutingContext ctx, ApiRefusal refusal, PipelineMetrics metrics) {
        if (ctx.response().ended()) {
            return;
        }
        refusal.retryAfter().ifPresent(after -> ctx.response().putHeader("Retry-After",
                String.valueOf(Math.max(1, after.toSeconds()))));
        ctx.response().setStatusCode(refusal.status()).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("code", refusal.code()).put("reason", refusal.reason()).encode());
        metrics.apiRequest(refusal.status(), refusal.code(), took(ctx));
    }

    private static Duration took(RoutingContext ctx) {
        Long started = ctx.get(STARTED);
        return Duration.ofNanos(started == null ? 0 : System.nanoTime() - started);
    }
}
