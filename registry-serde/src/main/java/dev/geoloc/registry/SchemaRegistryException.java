package dev.geoloc.registry;

/**
 * A schema registry call that failed, with what went wrong as a {@link Kind} so that callers can tell a
 * registry outage (retry later) from a missing or incompatible schema (a problem with the data).
 */
public final class SchemaRegistryException extends RuntimeException {

    /** What went wrong; Confluent's error codes map onto these. */
    public enum Kind {
        /** No registry URL answered, after all retries. */
        UNREACHABLE,
        /** The TLS handshake failed: usually a missing or wrong truststore. */
        TLS_FAILURE,
        /** HTTP 401 or 403: missing or wrong credentials. */
        UNAUTHORIZED,
        /** Confluent 40401. */
        SUBJECT_NOT_FOUND,
        /** Confluent 40402. */
        VERSION_NOT_FOUND,
        /** Confluent 40403: no schema with this id, or this schema is not registered under the subject. */
        SCHEMA_NOT_FOUND,
        /** Confluent 409: the schema breaks the subject's compatibility rule. */
        INCOMPATIBLE_SCHEMA,
        /** Confluent 42201: the registry could not parse the schema. */
        INVALID_SCHEMA,
        /** HTTP 5xx, after all retries. */
        SERVER_ERROR,
        /** Any other refusal, or an answer this client cannot read. */
        REQUEST_FAILED
    }

    private final Kind kind;
    private final int errorCode;

    public SchemaRegistryException(Kind kind, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(Kind kind, int errorCode, String message) {
        this(kind, errorCode, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The registry's {@code error_code} (Confluent's, e.g. 40403), the HTTP status without one, or -1. */
    public int errorCode() {
        return errorCode;
    }

    static Kind kindOf(int httpStatus, int errorCode) {
        return switch (errorCode) {
            case 40401 -> Kind.SUBJECT_NOT_FOUND;
            case 40402 -> Kind.VERSION_NOT_FOUND;
            case 40403 -> Kind.SCHEMA_NOT_FOUND;
            case 409 -> Kind.INCOMPATIBLE_SCHEMA;
            case 42201 -> Kind.INVALID_SCHEMA;
            default -> switch (httpStatus) {
                case 401, 403 -> Kind.UNAUTHORIZED;
                case 409 -> Kind.INCOMPATIBLE_SCHEMA;
                default -> httpStatus >= 500 ? Kind.SERVER_ERROR : Kind.REQUEST_FAILED;
            };
        };
    }
}
