package dev.geoloc.contracts.versions;

/**
 * A record of the model-versions topic that was not acted on: what serves is unchanged by it.
 *
 * @param version  the version its key names
 * @param sequence the sequence it claims; 0 for a tombstone
 */
public record Refusal(int version, long sequence, Code code, String reason) {

    /** Why, for alerts: the rejection code of the {@code ACTION_REFUSED} status. */
    public enum Code {
        /** Actions must be signed, and this one is not, or not by a trusted key. */
        SIGNATURE_INVALID,
        /** Its sequence is not above the highest acted on: a record sent again, or two actions sent at once. */
        REPLAYED,
        /** A tombstone, where actions must be signed: withdraw with a signed record ({@code trainer withdraw}). */
        UNSIGNED_WITHDRAWAL,
        /** An action that cannot be taken: a canary without a stable version, a share outside 1-99 %, an unknown role. */
        INVALID_ACTION
    }
}
