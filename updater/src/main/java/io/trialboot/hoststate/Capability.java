package io.trialboot.hoststate;

/**
 * What an operation on a domain needs (seed 004 §8), with the updater's meaning of each.
 */
public enum Capability {
    /** Read the state tree, history, receipts and status: always allowed, even when REVOKED. */
    INSPECT,
    /** Read the store and slots (e.g. a delta reads the active slot). */
    READ,
    /** Start a staging write: an open block, an inactive-slot write. */
    ALLOCATE_BLOCK,
    /** Mark a staged write verified and immutable. */
    SEAL_BLOCK,
    /** Append to the history log, write receipts. */
    APPEND_LOG,
    /** Switch slots (setActive, confirm): the domain's published snapshot changes. Needs FULL. */
    PUBLISH_SNAPSHOT,
    /** Export the log to peers: unused by the updater, gated for completeness. */
    FEDERATE_LOG
}
