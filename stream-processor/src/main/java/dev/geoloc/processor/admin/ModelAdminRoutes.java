package dev.geoloc.processor.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.geoloc.processor.artifacts.PublicReasons;
import dev.geoloc.processor.config.ProcessorConfig;
import dev.geoloc.processor.versions.ModelSource;
import dev.geoloc.processor.versions.VersionFollower;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A small admin endpoint for rollouts, on the management port with health and metrics (never on the port a
 * serving surface would face users on). Reading is open, as health is, so its reasons
 * name no internal path or host ({@link PublicReasons}); pinning needs {@code geoloc.admin.token} as a bearer token,
 * and is off without one ({@link AdminAccess}). A pin holds for this instance until it restarts; for the whole
 * fleet, set {@code geoloc.model.pinned-version}, or roll back ({@code trainer rollback}: the version's record
 * published again).
 *
 * <pre>
 * GET    /admin/model            what is served, pinned, published and refused
 * PUT    /admin/model/pin/{v}    serve published version v (a rollback, or holding a rollout)
 * DELETE /admin/model/pin        follow the latest published version again
 * </pre>
 */
@ApplicationScoped
public class ModelAdminRoutes {

    void routes(@Observes ManagementInterface management, ModelSource source, ProcessorConfig config) {
        Router router = management.router();
        AdminAccess access = new AdminAccess(config.admin().token());
        router.get("/admin/model").handler(ctx -> withFollower(ctx, source, follower -> ok(ctx, follower)));
        router.put("/admin/model/pin/*").handler(ctx -> authorize(ctx, access));
        router.delete("/admin/model/pin").handler(ctx -> authorize(ctx, access));
        router.put("/admin/model/pin/:version").handler(ctx -> withFollower(ctx, source, follower -> {
            int version;
            try {
                version = Integer.parseInt(ctx.pathParam("version"));
            } catch (NumberFormatException e) {
                ctx.response().setStatusCode(400).end("version must be a number, got " + ctx.pathParam("version"));
                return;
            }
            if (!follower.isPublished(version)) {
                ctx.response().setStatusCode(404).end("version " + version + " is not published for this model "
                        + "(published: " + follower.status().get("versions_published") + ")");
                return;
            }
            if (follower.hasRefused(version)) {
                ctx.response().setStatusCode(409).end("version " + version + " was refused by this instance: "
                        + redacted(follower.status().get("last_rejection")));
                return;
            }
            follower.pin(Optional.of(version));
            ok(ctx, follower);
        }));
        router.delete("/admin/model/pin").handler(ctx -> withFollower(ctx, source, follower -> {
            follower.pin(Optional.empty());
            ok(ctx, follower);
        }));
    }

    private static void authorize(RoutingContext ctx, AdminAccess access) {
        switch (access.check(ctx.request().getHeader("Authorization"))) {
            case ALLOWED -> ctx.next();
            case UNAUTHENTICATED -> ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer")
                    .end("pinning needs the admin token: Authorization: Bearer <geoloc.admin.token>");
            case PINNING_OFF -> ctx.response().setStatusCode(403)
                    .end("pinning is off: set geoloc.admin.token (e.g. from a Secret through GEOLOC_ADMIN_TOKEN), "
                            + "then call with Authorization: Bearer <token>");
        }
    }

    private static void withFollower(RoutingContext ctx, ModelSource source, Consumer<VersionFollower> action) {
        source.following().ifPresentOrElse(action, () -> ctx.response().setStatusCode(409)
                .end("this processor serves a fixed bundle (geoloc.model.bundle); it follows no published versions"));
    }

    @SuppressWarnings("unchecked")
    private static void ok(RoutingContext ctx, VersionFollower follower) {
        ctx.response().putHeader("content-type", "application/json")
                .end(new JsonObject((Map<String, Object>) redacted(follower.status())).encodePrettily());
    }

    /** Every text in the status, however deep, as {@link PublicReasons} shows it. */
    private static Object redacted(Object value) {
        if (value instanceof String text) {
            return PublicReasons.redact(text);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> redacted = new LinkedHashMap<>();
            map.forEach((key, item) -> redacted.put(String.valueOf(key), redacted(item)));
            return redacted;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ModelAdminRoutes::redacted).toList();
        }
        return value;
    }
}
